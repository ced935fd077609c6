// Runs a GGUF model in llama.cpp on given token ids: prints the top logits after the prompt
// and n greedy tokens. Usage: llrun MODEL N_GEN ID,ID,...
#include <llama.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>
int main(int argc, char** argv) {
  if (argc < 4) return 2;
  std::vector<llama_token> prompt;
  std::stringstream ss(argv[3]);
  std::string item;
  while (std::getline(ss, item, ',')) prompt.push_back(std::atoi(item.c_str()));
  const int n_gen = std::atoi(argv[2]);
  llama_backend_init();
  llama_model_params mp = llama_model_default_params();
  llama_model* model = llama_model_load_from_file(argv[1], mp);
  if (!model) return 3;
  llama_context_params cp = llama_context_default_params();
  cp.n_ctx = prompt.size() + n_gen + 8;
  cp.n_batch = prompt.size();
  cp.n_threads = 2;
  cp.n_threads_batch = 2;
  llama_context* ctx = llama_init_from_model(model, cp);
  const int n_vocab = llama_vocab_n_tokens(llama_model_get_vocab(model));
  if (llama_decode(ctx, llama_batch_get_one(prompt.data(), prompt.size()))) return 4;
  const float* logits = llama_get_logits_ith(ctx, -1);
  std::vector<int> idx(n_vocab);
  std::iota(idx.begin(), idx.end(), 0);
  std::partial_sort(idx.begin(), idx.begin() + 8, idx.end(),
                    [&](int a, int b) { return logits[a] > logits[b]; });
  printf("top");
  for (int i = 0; i < 8; ++i) printf(" %d:%.6f", idx[i], logits[idx[i]]);
  printf("\nlogits");
  for (int i = 0; i < n_vocab; ++i) printf(" %.6f", logits[i]);
  printf("\ngreedy");
  for (int i = 0; i < n_gen; ++i) {
    const float* l = llama_get_logits_ith(ctx, -1);
    llama_token best = std::max_element(l, l + n_vocab) - l;
    printf(" %d", best);
    if (llama_decode(ctx, llama_batch_get_one(&best, 1))) return 5;
  }
  printf("\n");
  llama_free(ctx);
  llama_model_free(model);
  return 0;
}
