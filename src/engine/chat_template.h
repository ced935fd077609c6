// Chat prompt formats: turns a list of messages into the text a chat model was trained on.
//
// Models ship their format as a Jinja program in `tokenizer.chat_template`. We do not run
// Jinja: like llama.cpp's built-in templates, we recognize which well-known format the program
// is by the markers it contains and render that format in C++. The result is meant to be
// tokenized with EncodeOptions::parse_special = true so markers such as "<|eot_id|>" become
// their special tokens; BOS is not part of the text (the tokenizer adds it).
//
//   PTMO_ASSIGN_OR_RETURN(ChatTemplate tmpl, ChatTemplate::FromGguf(gguf));
//   std::string prompt = tmpl.Apply({{"system", "Be brief."}, {"user", "Hi"}},
//                                   /*add_generation_prompt=*/true);
//
// Formats (names accepted by FromName and as overrides):
//   chatml            <|im_start|>{role}\n{content}<|im_end|>\n ...  (Qwen2, many others)
//   llama2            [INST] {user} [/INST]{assistant}</s>[INST] ...  (system text + "\n")
//   llama2-sys        as llama2, system as "<<SYS>>\n{system}\n<</SYS>>\n\n"
//   llama2-sys-bos    as llama2-sys, later turns open with "<s>[INST] "
//   llama2-sys-strip  as llama2-sys, contents trimmed (the official Llama 2 chat template)
//   llama3            <|start_header_id|>{role}<|end_header_id|>\n\n{trimmed}<|eot_id|>
//   zephyr            <|{role}|>\n{content}{eos}\n  (eos: the model's EOS text, "</s>" by
//                     default)
// A ChatTemplate is an immutable value; Apply is thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace ptmo::engine {

class GgufFile;

struct ChatMessage {
  std::string role;  // "system", "user", "assistant" (other roles are rendered as given)
  std::string content;
};

enum class ChatFormat {
  kChatMl,
  kLlama2,
  kLlama2Sys,
  kLlama2SysBos,
  kLlama2SysStrip,
  kLlama3,
  kZephyr,
};

class ChatTemplate {
 public:
  // The format called `name` (see above). Errors: kInvalidArgument for any other name, listing
  // the known ones.
  static Expected<ChatTemplate> FromName(std::string_view name);

  // Recognizes a Jinja chat template by its markers (a bare known name is accepted too).
  // Errors: kInvalidArgument when no known format matches (the message lists the known names
  // and says to pass one as an override), or when the template is recognizably a format we do
  // not render (Mistral, Phi-3, Gemma, ...), naming it.
  static Expected<ChatTemplate> Detect(std::string_view jinja);

  // The template of a model file: `override_name` when not empty, else Detect() on
  // `tokenizer.chat_template` (kNotFound when the key is absent and there is no override).
  // The zephyr end-of-message marker is the text of the model's EOS token when the file names
  // one. Errors name the file.
  static Expected<ChatTemplate> FromGguf(const GgufFile& gguf, std::string_view override_name = {});

  // The known format names, in a stable order.
  static std::span<const std::string_view> KnownNames();

  ChatFormat format() const { return format_; }
  std::string_view name() const;

  // The marker ending a zephyr message ("</s>" unless set). Ignored by other formats.
  const std::string& eos_text() const { return eos_text_; }
  void set_eos_text(std::string eos) { eos_text_ = std::move(eos); }

  // Renders `messages` in order. With `add_generation_prompt` the text ends with the header
  // that opens an assistant turn (llama2 formats have none: the prompt already ends in
  // "[/INST]").
  std::string Apply(std::span<const ChatMessage> messages, bool add_generation_prompt) const;

 private:
  explicit ChatTemplate(ChatFormat format) : format_(format) {}

  ChatFormat format_;
  std::string eos_text_ = "</s>";
};

}  // namespace ptmo::engine
