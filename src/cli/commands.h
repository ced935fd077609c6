// One function per `ptmo` subcommand: each adds its subcommand (with --help text) to `app`
// and, when the subcommand runs, stores the process exit code in *exit_code.
#pragma once

#include <CLI/CLI.hpp>

namespace ptmo::cli {

void RegisterScan(CLI::App& app, int* exit_code);
void RegisterMask(CLI::App& app, int* exit_code);  // mask and unmask
void RegisterDecompose(CLI::App& app, int* exit_code);
void RegisterEvalPii(CLI::App& app, int* exit_code);
void RegisterTrainNer(CLI::App& app, int* exit_code);
void RegisterBenchPrivacy(CLI::App& app, int* exit_code);
void RegisterDemo(CLI::App& app, int* exit_code);
void RegisterMakeModel(CLI::App& app, int* exit_code);
void RegisterGenerate(CLI::App& app, int* exit_code);
void RegisterBenchEngine(CLI::App& app, int* exit_code);
void RegisterPolicy(CLI::App& app, int* exit_code);  // policy gen-data|train|eval
void RegisterServe(CLI::App& app, int* exit_code);   // serve and hash-key
void RegisterBenchGateway(CLI::App& app, int* exit_code);
void RegisterAudit(CLI::App& app, int* exit_code);   // audit leakage, audit show
void RegisterBudget(CLI::App& app, int* exit_code);  // budget show, budget reset
void RegisterImage(CLI::App& app, int* exit_code);   // scan-image, redact-, eval-, gen-image-data

}  // namespace ptmo::cli
