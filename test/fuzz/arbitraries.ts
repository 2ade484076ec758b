// Generated input for the fuzz tests: any code point (lone surrogates
// included), and the pieces attackers and unlucky operators actually type,
// mixed.
import fc from "fast-check";

/** Fragments that have broken chat bots before. */
export const NASTY = [
  "<!channel>",
  "<!here>",
  "<!everyone>",
  "<@U0BOB>",
  "<#C0GENERAL>",
  "<https://evil.example|click>",
  "|",
  "<",
  ">",
  "&",
  "&amp;",
  "*",
  "_",
  "~",
  "`",
  "```",
  "\u0000",
  "\u202E",
  "\u2066",
  "\u2069",
  "\uD800",
  "\uDFFF",
  "\r\n",
  "\t",
  " ",
  "%00",
  '\'; drop table "Incident"; --',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template placeholder typed as text is the point.
  "${process.exit()}",
  "{{7*7}}",
  "../../etc/passwd",
  "javascript:alert(1)",
  "https://",
  "https://x.example/a?b=c#d",
  "P0",
  "p1",
  "commander",
  "from",
  "v1.2.3",
  "1.2.4",
  "a".repeat(40),
  "0".repeat(7),
  "9".repeat(400),
  "🔥",
  "ﷺ",
  "\u0301",
];

/** A string of any code points and nasty fragments, up to `maxLength` pieces. */
export const nastyText = (maxLength = 12): fc.Arbitrary<string> =>
  fc.array(fc.oneof(fc.string({ unit: "binary", maxLength: 8 }), fc.constantFrom(...NASTY)), { maxLength }).map((parts) => parts.join(""));

/** Sometimes missing, sometimes empty, usually nasty. */
export const maybeText = (maxLength = 12): fc.Arbitrary<string | null | undefined> =>
  fc.oneof(fc.constant(null), fc.constant(undefined), fc.constant(""), nastyText(maxLength), fc.string({ maxLength: 6000 }));
