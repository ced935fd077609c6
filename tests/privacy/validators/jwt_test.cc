#include "privacy/validators/jwt.h"

#include <gtest/gtest.h>

#include <string>

namespace ptmo::privacy::validators {
namespace {

// Test-only encoder (unpadded base64url) so that tokens are built from readable JSON.
std::string Base64UrlEncode(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3F]);
  return out;
}

std::string MakeJwt(std::string_view header, std::string_view payload,
                    std::string_view signature = "fake-signature-bytes") {
  return Base64UrlEncode(header) + "." + Base64UrlEncode(payload) + "." +
         Base64UrlEncode(signature);
}

TEST(Jwt, Base64UrlDecodesRfc4648Vectors) {
  EXPECT_EQ(Base64UrlDecode(""), "");
  EXPECT_EQ(Base64UrlDecode("Zg"), "f");
  EXPECT_EQ(Base64UrlDecode("Zg=="), "f");
  EXPECT_EQ(Base64UrlDecode("Zm8"), "fo");
  EXPECT_EQ(Base64UrlDecode("Zm8="), "fo");
  EXPECT_EQ(Base64UrlDecode("Zm9v"), "foo");
  EXPECT_EQ(Base64UrlDecode("Zm9vYmFy"), "foobar");
}

TEST(Jwt, Base64UrlUsesDashAndUnderscore) {
  EXPECT_EQ(Base64UrlDecode("-_8"), std::string("\xfb\xff"));
  EXPECT_FALSE(Base64UrlDecode("+/8").has_value());
  EXPECT_EQ(Base64StdDecode("+/8"), std::string("\xfb\xff"));
  EXPECT_FALSE(Base64StdDecode("-_8").has_value());
}

TEST(Jwt, Base64RejectsMalformedInput) {
  EXPECT_FALSE(Base64UrlDecode("Z").has_value());      // one char cannot make a byte
  EXPECT_FALSE(Base64UrlDecode("Zm9vY").has_value());  // same in the last group
  EXPECT_FALSE(Base64UrlDecode("Zg=").has_value());    // padding does not complete the group
  EXPECT_FALSE(Base64UrlDecode("Zg===").has_value());  // too much padding
  EXPECT_FALSE(Base64UrlDecode("Z=g=").has_value());   // padding in the middle
  EXPECT_FALSE(Base64UrlDecode("Zm9v YmFy").has_value());
  EXPECT_FALSE(Base64UrlDecode("Zm9v\n").has_value());
}

TEST(Jwt, AcceptsTokenWhoseHeaderNamesAlgorithm) {
  const std::string token =
      MakeJwt(R"({"alg":"HS256","typ":"JWT"})", R"({"sub":"1234","name":"Test User"})");
  EXPECT_EQ(JwtAlgorithm(token), "HS256");
  EXPECT_TRUE(IsValidJwt(token));
}

TEST(Jwt, AcceptsUnsecuredTokenWithEmptySignatureOnlyForAlgNone) {
  EXPECT_EQ(JwtAlgorithm(MakeJwt(R"({"alg":"none"})", R"({"sub":"x"})", "")), "none");
  EXPECT_FALSE(IsValidJwt(MakeJwt(R"({"alg":"RS256"})", R"({"sub":"x"})", "")));
}

TEST(Jwt, RejectsWrongNumberOfParts) {
  const std::string h = Base64UrlEncode(R"({"alg":"HS256"})");
  const std::string p = Base64UrlEncode(R"({"a":1})");
  EXPECT_FALSE(IsValidJwt(h));
  EXPECT_FALSE(IsValidJwt(h + "." + p));
  EXPECT_FALSE(IsValidJwt(h + "." + p + ".c2ln.ZXh0cmE.bW9yZQ"));  // five parts (JWE)
  EXPECT_FALSE(IsValidJwt(h + ".." + p));
}

TEST(Jwt, RejectsHeaderThatIsNotJsonObjectWithAlg) {
  EXPECT_FALSE(IsValidJwt(MakeJwt(R"({"typ":"JWT"})", "{}")));    // no alg
  EXPECT_FALSE(IsValidJwt(MakeJwt(R"({"alg":256})", "{}")));      // alg not a string
  EXPECT_FALSE(IsValidJwt(MakeJwt(R"({"alg":""})", "{}")));       // empty alg
  EXPECT_FALSE(IsValidJwt(MakeJwt(R"(["alg","HS256"])", "{}")));  // not an object
  EXPECT_FALSE(IsValidJwt(MakeJwt(R"({"alg":"HS256")", "{}")));   // truncated JSON
  EXPECT_FALSE(IsValidJwt(MakeJwt("hello world", "{}")));
}

TEST(Jwt, RejectsDottedNamesThatAreNotTokens) {
  EXPECT_FALSE(IsValidJwt("www.example.com"));
  EXPECT_FALSE(IsValidJwt("v1.2.3"));
  EXPECT_FALSE(IsValidJwt("archive.tar.gz"));
  EXPECT_FALSE(IsValidJwt(""));
  EXPECT_FALSE(IsValidJwt(".."));
}

TEST(Jwt, RejectsPartsWithCharactersOutsideBase64Url) {
  const std::string good = MakeJwt(R"({"alg":"HS256"})", R"({"a":1})");
  std::string bad_sig = good + "+";
  EXPECT_FALSE(IsValidJwt(bad_sig));
  std::string bad_payload = good;
  bad_payload.insert(good.find('.') + 1, "/");
  EXPECT_FALSE(IsValidJwt(bad_payload));
}

}  // namespace
}  // namespace ptmo::privacy::validators
