// Tests for the PASSWORD recognizer: the value after an explicit phrase, never the phrase.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "privacy/recognizers/registry.h"

namespace ptmo::privacy {
namespace {

class PasswordTest : public ::testing::Test {
 protected:
  PasswordTest() {
    for (auto& r : MakeSecretRecognizers()) {
      if (r->name() == "password") password_ = std::move(r);
    }
  }

  std::vector<std::string> Values(std::string_view text) const {
    std::vector<Span> spans;
    password_->Find(text, spans);
    std::vector<std::string> out;
    for (const Span& s : spans) {
      EXPECT_EQ(s.type, EntityType::kPassword);
      EXPECT_EQ(s.recognizer, "password");
      EXPECT_LE(s.end, text.size());
      out.emplace_back(text.substr(s.begin, s.length()));
    }
    return out;
  }

  void ExpectValue(const std::string& text, const std::string& value) {
    EXPECT_EQ(Values(text), std::vector<std::string>{value}) << text;
  }
  void ExpectNone(const std::string& text) {
    EXPECT_EQ(Values(text), std::vector<std::string>{}) << text;
  }

  std::unique_ptr<Recognizer> password_;
};

TEST_F(PasswordTest, FindsValueAfterEnglishPhrases) {
  ExpectValue("my password is hunter2", "hunter2");
  ExpectValue("Password: Tr0ub4dor&3", "Tr0ub4dor&3");
  ExpectValue("pw: abc123 thanks", "abc123");
  ExpectValue("login with pwd=s3cr3t!", "s3cr3t!");
  ExpectValue("the passcode is 482913 for the door", "482913");
  ExpectValue("The password for my bank is BlueSky#42.", "BlueSky#42");
  ExpectValue("my wifi password was Gr33nTea", "Gr33nTea");
  ExpectValue("PASSWORD = Zebra!Stripe9", "Zebra!Stripe9");
  ExpectValue("Your new password is: Xk29!mPq", "Xk29!mPq");
}

TEST_F(PasswordTest, FindsValueInConfigLines) {
  ExpectValue("DB_PASSWORD=xyz987\nDB_USER=app", "xyz987");
  ExpectValue("export SMTP_PASSWORD='p@ss w0rd'", "p@ss w0rd");
  ExpectValue(R"({"password": "M0nkey!Bars"})", "M0nkey!Bars");
  ExpectValue("jdbc:mysql://db/app?user=app&password=Qw3rty&ssl=true", "Qw3rty");
}

TEST_F(PasswordTest, SpanIsTheValueOnlyNotThePhrase) {
  const std::string text = "Hi, my password is secret123. Don't share it.";
  std::vector<Span> spans;
  password_->Find(text, spans);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].begin, text.find("secret123"));
  EXPECT_EQ(spans[0].end, text.find("secret123") + 9);
  EXPECT_NEAR(spans[0].score, 0.9, 1e-9);
  ASSERT_FALSE(spans[0].reasons.empty());
  EXPECT_EQ(spans[0].reasons[0], "password phrase 'password is'");
}

TEST_F(PasswordTest, DropsTrailingSentencePunctuationButKeepsInnerSymbols) {
  ExpectValue("my password is secret123.", "secret123");
  ExpectValue("password: a.b.c9,", "a.b.c9");
  ExpectValue("(password: Xy9!)", "Xy9!");
  ExpectValue("password is \"quoted pass 1\".", "quoted pass 1");
}

TEST_F(PasswordTest, FindsValueAfterChangeVerbs) {
  ExpectValue("I changed my password to Blu3Moon", "Blu3Moon");
  ExpectValue("reset the PIN to 7731", "7731");
}

TEST_F(PasswordTest, FindsNumericPin) {
  ExpectValue("PIN: 4821", "4821");
  ExpectValue("my pin code is 908172", "908172");
  ExpectNone("pin: the post to the top");
  ExpectNone("PIN: 12");
}

TEST_F(PasswordTest, FindsValueAfterKoreanPhrases) {
  ExpectValue("비밀번호는 qwer1234입니다", "qwer1234");
  ExpectValue("비밀번호: abc!234", "abc!234");
  ExpectValue("암호는 sunflower7 이에요", "sunflower7");
  ExpectValue("패스워드 P@ssw0rd", "P@ssw0rd");
  ExpectValue("제 비번은 1q2w3e4r!", "1q2w3e4r!");
  ExpectValue("와이파이 비밀번호가 home2024야.", "home2024");
  ExpectValue("비밀번호를 newpass99로 바꿨어", "newpass99");
}

TEST_F(PasswordTest, IgnoresPasswordTalkWithoutAValue) {
  ExpectNone("what is a password?");
  ExpectNone("I need to reset my password");
  ExpectNone("Which password manager do you use?");
  ExpectNone("비밀번호를 잊어버렸어요");
  ExpectNone("비밀번호 변경은 어떻게 하나요?");
  ExpectNone("암호화폐 투자를 시작했어요");
  ExpectNone("the password is wrong");
  ExpectNone("Your password is too short.");
  ExpectNone("Password: required");
  ExpectNone("password: must be at least 8 characters");
  ExpectNone("Enter password:");
  ExpectNone("회원님의 비밀번호가 변경되었습니다.");
  ExpectNone("비밀번호는 영문, 숫자 조합 8자 이상");
  ExpectNone("Password: (hidden)");
  ExpectNone("password: ********");
  ExpectNone("password = <your password>");
  ExpectNone("I changed my password to something stronger");
  ExpectNone("the password is 12 characters long");
  ExpectNone("비밀번호는 8자리 이상이어야 합니다");
  ExpectNone("password_hash = 5f4dcc3b5aa765d61d8327deb882cf99");
  ExpectNone("mypassword: abc123");  // 'password' glued to another word
}

TEST_F(PasswordTest, FindsPasswordLikeValueAfterBarePasswordWord) {
  ExpectValue("password P@ssw0rd!2024", "P@ssw0rd!2024");
  ExpectValue("pass kevinO$1990", "kevinO$1990");
  ExpectValue("pw hunter2!", "hunter2!");
  ExpectValue("wifi password Summer2024 thanks", "Summer2024");
  ExpectValue("Thanks! pass: Blue$ky42", "Blue$ky42");
}

TEST_F(PasswordTest, FindsValueAfterItsInTheSameSentence) {
  ExpectValue("I keep forgetting my password, it's Tr0ub4dor&3", "Tr0ub4dor&3");
  ExpectValue("the router password? it is r0uter!Hom3.", "r0uter!Hom3");
  ExpectValue("My email password is long, it’s Gr33n!Tea99", "Gr33n!Tea99");
  ExpectNone("I changed my password. It's Tr0ub4dor&3");  // another sentence
}

TEST_F(PasswordTest, FindsPasswordOfAUserPasswordPair) {
  ExpectValue("login is admin / r0uter!Hom3", "r0uter!Hom3");
  ExpectValue("user admin pass secret99", "secret99");
  ExpectValue("credentials: root/Qw3rty!x", "Qw3rty!x");
  ExpectValue("username: bob, password: Xk29!mPq", "Xk29!mPq");
  // A plain value after an explicit "password:" still counts when the pair shape does not.
  ExpectValue("username: bob, password: sunflower", "sunflower");
}

TEST_F(PasswordTest, LooseFormsScoreLowerAndSayWhy) {
  std::vector<Span> spans;
  password_->Find("pw hunter2!", spans);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_NEAR(spans[0].score, 0.8, 1e-9);
  EXPECT_EQ(spans[0].reasons,
            (std::vector<std::string>{"password phrase 'pw'", "value looks like a password"}));
}

TEST_F(PasswordTest, LooseFormsNeedAPasswordLikeValue) {
  for (const char* text : {
           "password reset link",
           "password manager",
           "Which password manager do you use? It's great",
           "I forgot my password, it's so annoying",
           "I forgot my password, it's annoying!",
           "the password expired, it is 10:30 already",
           "pass the salt",
           "did you pass COVID-19 screening",
           "boarding pass: AB12CD34",
           "I will pass B2-level exams",
           "admin / user roles",
           "pw requirements",
           "password hunter",                      // a plain word
           "password 12345678",                    // digits only
           "password e-mail",                      // a term
           "password file.txt",                    // a file name
           "password https://example.com/reset1",  // a URL
           "password bob.smith1@example.com",      // an e-mail address
           "passwd -l user1",                      // a command-line flag
           "passwd /etc/shadow2",                  // a path
           "password <your-pass1>",                // a placeholder
           "password xxxxxxxx",                    // masked
           "login with Google / Facebook",
           "user guide / FAQ",
           "see the user guide/Manual2 first",
           "ID card/Passport123 both accepted",
           "the password is long, it's okay",
       }) {
    ExpectNone(text);
  }
}

TEST_F(PasswordTest, FindsEveryPasswordInText) {
  EXPECT_EQ(Values("old password: Alpha1! new password: Beta2?"),
            (std::vector<std::string>{"Alpha1!", "Beta2?"}));
}

}  // namespace
}  // namespace ptmo::privacy
