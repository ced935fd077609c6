#include "engine/chat_template.h"

#include <utility>

#include "engine/gguf_reader.h"

namespace ptmo::engine {
namespace {

constexpr std::string_view kChatTemplateKey = "tokenizer.chat_template";

struct NamedFormat {
  std::string_view name;
  ChatFormat format;
};

constexpr NamedFormat kFormats[] = {
    {"chatml", ChatFormat::kChatMl},
    {"llama2", ChatFormat::kLlama2},
    {"llama2-sys", ChatFormat::kLlama2Sys},
    {"llama2-sys-bos", ChatFormat::kLlama2SysBos},
    {"llama2-sys-strip", ChatFormat::kLlama2SysStrip},
    {"llama3", ChatFormat::kLlama3},
    {"zephyr", ChatFormat::kZephyr},
};

constexpr std::string_view kNames[] = {"chatml",           "llama2", "llama2-sys", "llama2-sys-bos",
                                       "llama2-sys-strip", "llama3", "zephyr"};

std::string KnownList() {
  std::string out;
  for (std::string_view n : kNames) {
    out += out.empty() ? "" : ", ";
    out += n;
  }
  return out;
}

// Leading and trailing ASCII whitespace removed, as llama.cpp's trim (isspace).
std::string_view Trim(std::string_view s) {
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
  };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

Status NotSupported(std::string_view what) {
  return InvalidArgument("chat template looks like " + std::string(what) +
                         ", which is not supported; pass one of the known template names as an "
                         "override: " +
                         KnownList());
}

}  // namespace

Expected<ChatTemplate> ChatTemplate::FromName(std::string_view name) {
  for (const NamedFormat& f : kFormats) {
    if (f.name == name) return ChatTemplate(f.format);
  }
  return InvalidArgument("unknown chat template name '" + std::string(name) +
                         "' (known: " + KnownList() + ")");
}

Expected<ChatTemplate> ChatTemplate::Detect(std::string_view jinja) {
  for (const NamedFormat& f : kFormats) {
    if (f.name == jinja) return ChatTemplate(f.format);
  }
  auto has = [&](std::string_view marker) { return jinja.find(marker) != std::string_view::npos; };

  // The order follows llama.cpp's detection where the formats overlap.
  if (has("<|im_start|>")) {
    if (has("<|im_sep|>")) return NotSupported("phi4 (<|im_sep|>)");
    if (has("<end_of_utterance>")) return NotSupported("smolvlm (<end_of_utterance>)");
    return ChatTemplate(ChatFormat::kChatMl);
  }
  if (jinja.substr(0, 7) == "mistral" || has("[INST]")) {
    if (has("[SYSTEM_PROMPT]") || has("[AVAILABLE_TOOLS]") || has("' [INST] ' + system_message")) {
      return NotSupported("a Mistral format ([SYSTEM_PROMPT] / [AVAILABLE_TOOLS])");
    }
    if (has("content.strip()")) return ChatTemplate(ChatFormat::kLlama2SysStrip);
    if (has("bos_token + '[INST]")) return ChatTemplate(ChatFormat::kLlama2SysBos);
    if (has("<<SYS>>")) return ChatTemplate(ChatFormat::kLlama2Sys);
    return ChatTemplate(ChatFormat::kLlama2);
  }
  if (has("<|start_header_id|>") && has("<|end_header_id|>")) {
    return ChatTemplate(ChatFormat::kLlama3);
  }
  if (has("<|assistant|>") && has("<|end|>")) return NotSupported("phi3 (<|end|>)");
  if (has("[gMASK]")) return NotSupported("chatglm ([gMASK])");
  // Zephyr: role tags closed by the EOS token. llama.cpp calls a template with both
  // <|user|> and <|assistant|> but no literal "</s>" "glmedge"; the Hugging Face Zephyr template
  // is exactly that shape (it writes eos_token), so we check for an EOS first.
  if (has("<|user|>") && (has("eos_token") || has("</s>") || has("<|endoftext|>"))) {
    return ChatTemplate(ChatFormat::kZephyr);
  }
  if (has("<start_of_turn>")) return NotSupported("gemma (<start_of_turn>)");
  if (has("<|START_OF_TURN_TOKEN|>")) return NotSupported("command-r (<|START_OF_TURN_TOKEN|>)");
  if (has("<|header_start|>")) return NotSupported("llama4 (<|header_start|>)");
  if (has("<|start_of_role|>")) return NotSupported("granite (<|start_of_role|>)");
  if (has("USER: ") && has("ASSISTANT: ")) return NotSupported("vicuna (USER: / ASSISTANT: )");
  return InvalidArgument("chat template not recognized (known: " + KnownList() +
                         "); pass one of these names as an override");
}

Expected<ChatTemplate> ChatTemplate::FromGguf(const GgufFile& gguf,
                                              std::string_view override_name) {
  const std::string prefix = "model file '" + gguf.name() + "': ";
  std::string_view source;
  if (override_name.empty()) {
    if (!gguf.HasKey(kChatTemplateKey)) {
      return NotFound(prefix + "metadata key '" + std::string(kChatTemplateKey) +
                      "' is missing; pass a template name (" + KnownList() + ")");
    }
    PTMO_ASSIGN_OR_RETURN(source, gguf.GetString(kChatTemplateKey));
  }
  Expected<ChatTemplate> tmpl = override_name.empty() ? Detect(source) : FromName(override_name);
  if (!tmpl.ok()) return InvalidArgument(prefix + tmpl.status().message());

  // The zephyr format closes messages with the EOS token's text.
  if (gguf.HasKey("tokenizer.ggml.eos_token_id") && gguf.HasKey("tokenizer.ggml.tokens")) {
    Expected<int64_t> eos = gguf.GetInteger("tokenizer.ggml.eos_token_id");
    Expected<std::span<const std::string_view>> tokens =
        gguf.GetStringArray("tokenizer.ggml.tokens");
    if (eos.ok() && tokens.ok() && *eos >= 0 && static_cast<uint64_t>(*eos) < tokens->size()) {
      tmpl->set_eos_text(std::string((*tokens)[static_cast<size_t>(*eos)]));
    }
  }
  return tmpl;
}

std::span<const std::string_view> ChatTemplate::KnownNames() {
  return kNames;
}

std::string_view ChatTemplate::name() const {
  for (const NamedFormat& f : kFormats) {
    if (f.format == format_) return f.name;
  }
  return "unknown";
}

std::string ChatTemplate::Apply(std::span<const ChatMessage> messages,
                                bool add_generation_prompt) const {
  std::string out;
  switch (format_) {
    case ChatFormat::kChatMl:
      for (const ChatMessage& m : messages) {
        out += "<|im_start|>" + m.role + "\n" + m.content + "<|im_end|>\n";
      }
      if (add_generation_prompt) out += "<|im_start|>assistant\n";
      break;

    case ChatFormat::kLlama3:
      for (const ChatMessage& m : messages) {
        out += "<|start_header_id|>" + m.role + "<|end_header_id|>\n\n";
        out += Trim(m.content);
        out += "<|eot_id|>";
      }
      if (add_generation_prompt) out += "<|start_header_id|>assistant<|end_header_id|>\n\n";
      break;

    case ChatFormat::kZephyr:
      for (const ChatMessage& m : messages) {
        out += "<|" + m.role + "|>\n" + m.content + eos_text_ + "\n";
      }
      if (add_generation_prompt) out += "<|assistant|>\n";
      break;

    case ChatFormat::kLlama2:
    case ChatFormat::kLlama2Sys:
    case ChatFormat::kLlama2SysBos:
    case ChatFormat::kLlama2SysStrip: {
      const bool system_block = format_ != ChatFormat::kLlama2;
      const bool bos_in_history = format_ == ChatFormat::kLlama2SysBos;
      const bool strip = format_ == ChatFormat::kLlama2SysStrip;
      // The first [INST] has no <s>: the tokenizer adds BOS at the start.
      out += "[INST] ";
      bool inside_turn = true;
      for (const ChatMessage& m : messages) {
        const std::string_view content = strip ? Trim(m.content) : std::string_view(m.content);
        if (!inside_turn) {
          out += bos_in_history ? "<s>[INST] " : "[INST] ";
          inside_turn = true;
        }
        if (m.role == "system") {
          if (system_block) {
            out += "<<SYS>>\n";
            out += content;
            out += "\n<</SYS>>\n\n";
          } else {
            out += content;  // no system block: the text opens the first instruction
            out += "\n";
          }
        } else if (m.role == "user") {
          out += content;
          out += " [/INST]";
        } else {
          out += content;
          out += "</s>";
          inside_turn = false;
        }
      }
      break;  // the prompt already ends in "[/INST]": no generation header
    }
  }
  return out;
}

}  // namespace ptmo::engine
