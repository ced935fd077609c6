#include "engine/chat_template.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/gguf_reader.h"
#include "engine/vocab_builder.h"

namespace ptmo::engine {
namespace {

const std::vector<ChatMessage> kConversation = {
    {"system", "You are helpful."},
    {"user", "Hi there"},
    {"assistant", "Hello!"},
    {"user", "  How are you?  "},
};

std::string Render(std::string_view name, bool add_generation_prompt,
                   const std::vector<ChatMessage>& chat = kConversation) {
  Expected<ChatTemplate> t = ChatTemplate::FromName(name);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? t->Apply(chat, add_generation_prompt) : "";
}

TEST(ChatTemplate, ChatMl) {
  EXPECT_EQ(Render("chatml", true),
            "<|im_start|>system\nYou are helpful.<|im_end|>\n"
            "<|im_start|>user\nHi there<|im_end|>\n"
            "<|im_start|>assistant\nHello!<|im_end|>\n"
            "<|im_start|>user\n  How are you?  <|im_end|>\n"
            "<|im_start|>assistant\n");
  EXPECT_EQ(Render("chatml", false, {{"user", "x"}}), "<|im_start|>user\nx<|im_end|>\n");
}

TEST(ChatTemplate, Llama3TrimsContent) {
  EXPECT_EQ(Render("llama3", true),
            "<|start_header_id|>system<|end_header_id|>\n\nYou are helpful.<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nHow are you?<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n");
}

TEST(ChatTemplate, Llama2WithSystemBlock) {
  const std::string expected =
      "[INST] <<SYS>>\nYou are helpful.\n<</SYS>>\n\nHi there [/INST]Hello!</s>"
      "[INST]   How are you?   [/INST]";
  EXPECT_EQ(Render("llama2-sys", true), expected);
  EXPECT_EQ(Render("llama2-sys", false), expected);  // no generation header in this format
}

TEST(ChatTemplate, Llama2WithoutSystemBlockPutsSystemTextFirst) {
  EXPECT_EQ(Render("llama2", false),
            "[INST] You are helpful.\nHi there [/INST]Hello!</s>[INST]   How are you?   [/INST]");
}

TEST(ChatTemplate, Llama2VariantsStripOrAddBos) {
  EXPECT_EQ(Render("llama2-sys-strip", false),
            "[INST] <<SYS>>\nYou are helpful.\n<</SYS>>\n\nHi there [/INST]Hello!</s>"
            "[INST] How are you? [/INST]");
  EXPECT_EQ(Render("llama2-sys-bos", false),
            "[INST] <<SYS>>\nYou are helpful.\n<</SYS>>\n\nHi there [/INST]Hello!</s>"
            "<s>[INST]   How are you?   [/INST]");
}

TEST(ChatTemplate, ZephyrClosesMessagesWithEos) {
  EXPECT_EQ(Render("zephyr", true, {{"system", "Be nice."}, {"user", "Hi"}}),
            "<|system|>\nBe nice.</s>\n<|user|>\nHi</s>\n<|assistant|>\n");
  Expected<ChatTemplate> t = ChatTemplate::FromName("zephyr");
  ASSERT_TRUE(t.ok());
  t->set_eos_text("<|endoftext|>");
  EXPECT_EQ(t->Apply(std::vector<ChatMessage>{{"user", "Hi"}}, false),
            "<|user|>\nHi<|endoftext|>\n");
}

TEST(ChatTemplate, EmptyConversation) {
  EXPECT_EQ(Render("chatml", true, {}), "<|im_start|>assistant\n");
  EXPECT_EQ(Render("llama3", false, {}), "");
}

TEST(ChatTemplate, DetectsKnownTemplatesByTheirMarkers) {
  struct Case {
    std::string_view jinja;
    std::string_view name;
  };
  const Case cases[] = {
      // Qwen2-style ChatML.
      {"{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
       "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}",
       "chatml"},
      // Llama 3 instruct.
      {"{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = "
       "'<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ "
       "message['content'] | trim + '<|eot_id|>' %}{{ content }}{% endfor %}",
       "llama3"},
      // Llama 2 chat: strips content and writes bos_token + '[INST] '.
      {"{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + "
       "' [/INST]' }}{% elif message['role'] == 'system' %}{{ '<<SYS>>\\n' + content.strip() + "
       "'\\n<</SYS>>\\n\\n' }}{% endif %}",
       "llama2-sys-strip"},
      {"{{ bos_token + '[INST] ' + message['content'] + ' [/INST]' }}", "llama2-sys-bos"},
      {"{{ '<<SYS>>\\n' + system + '\\n<</SYS>>\\n\\n' }}{{ '[INST] ' + content }}", "llama2-sys"},
      {"{{ '[INST] ' + message['content'] + ' [/INST]' }}", "llama2"},
      // Zephyr (Hugging Face H4): role tags and eos_token.
      {"{% for message in messages %}{% if message['role'] == 'user' %}{{ '<|user|>\\n' + "
       "message['content'] + eos_token }}{% elif message['role'] == 'assistant' %}{{ "
       "'<|assistant|>\\n' + message['content'] + eos_token }}{% endif %}{% endfor %}",
       "zephyr"},
      // A bare name is accepted too.
      {"llama3", "llama3"},
  };
  for (const Case& c : cases) {
    Expected<ChatTemplate> t = ChatTemplate::Detect(c.jinja);
    ASSERT_TRUE(t.ok()) << c.name << ": " << t.status().ToString();
    EXPECT_EQ(t->name(), c.name) << c.jinja;
  }
}

TEST(ChatTemplate, UnknownTemplateListsKnownNames) {
  Expected<ChatTemplate> t = ChatTemplate::Detect("{{ messages | tojson }}");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  for (std::string_view name : ChatTemplate::KnownNames()) {
    EXPECT_NE(t.status().message().find(name), std::string::npos) << name;
  }
  EXPECT_NE(t.status().message().find("override"), std::string::npos);
}

TEST(ChatTemplate, RecognizedButUnsupportedFormatsAreNamed) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"{{ '<start_of_turn>' + role + '\\n' }}", "gemma"},
      {"{{ '<|user|>' }}{{ '<|assistant|>' }}{{ '<|end|>' }}", "phi3"},
      {"[INST] [SYSTEM_PROMPT] x", "Mistral"},
      {"<|im_start|>user<|im_sep|>", "phi4"},
  };
  for (const auto& [jinja, what] : cases) {
    Expected<ChatTemplate> t = ChatTemplate::Detect(jinja);
    ASSERT_FALSE(t.ok()) << jinja;
    EXPECT_NE(t.status().message().find(what), std::string::npos) << t.status().message();
  }
}

TEST(ChatTemplate, UnknownNameIsRejected) {
  Expected<ChatTemplate> t = ChatTemplate::FromName("vicuna");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("'vicuna'"), std::string::npos);
  EXPECT_NE(t.status().message().find("chatml"), std::string::npos);
}

TEST(ChatTemplate, FromGgufUsesTheOverrideAndTheModelsEos) {
  std::vector<MetadataEntry> kv = {
      {"tokenizer.ggml.tokens", std::vector<std::string>{"<unk>", "<|endoftext|>"}},
      {"tokenizer.ggml.eos_token_id", uint32_t{1}},
      {"tokenizer.chat_template", std::string("{{ '<|user|>\\n' + content + eos_token }}")}};
  Expected<std::string> image = MetadataOnlyGguf(kv);
  ASSERT_TRUE(image.ok());
  Expected<GgufFile> gguf = GgufFile::FromBuffer(
      "chat.gguf", {reinterpret_cast<const uint8_t*>(image->data()), image->size()});
  ASSERT_TRUE(gguf.ok());

  Expected<ChatTemplate> detected = ChatTemplate::FromGguf(*gguf);
  ASSERT_TRUE(detected.ok()) << detected.status().ToString();
  EXPECT_EQ(detected->name(), "zephyr");
  EXPECT_EQ(detected->eos_text(), "<|endoftext|>");

  Expected<ChatTemplate> overridden = ChatTemplate::FromGguf(*gguf, "chatml");
  ASSERT_TRUE(overridden.ok());
  EXPECT_EQ(overridden->format(), ChatFormat::kChatMl);

  Expected<ChatTemplate> bad = ChatTemplate::FromGguf(*gguf, "nope");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("chat.gguf"), std::string::npos);
}

TEST(ChatTemplate, FromGgufWithoutTemplateIsNotFound) {
  Expected<std::string> image = MetadataOnlyGguf({});
  ASSERT_TRUE(image.ok());
  Expected<GgufFile> gguf = GgufFile::FromBuffer(
      "plain.gguf", {reinterpret_cast<const uint8_t*>(image->data()), image->size()});
  ASSERT_TRUE(gguf.ok());
  Expected<ChatTemplate> t = ChatTemplate::FromGguf(*gguf);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kNotFound);
  EXPECT_NE(t.status().message().find("tokenizer.chat_template"), std::string::npos);
  EXPECT_TRUE(ChatTemplate::FromGguf(*gguf, "llama3").ok());
}

}  // namespace
}  // namespace ptmo::engine
