// The `ptmo` command line: one subcommand per user job.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"ptmo: privacy-preserving, personalized LLM inference across edge and cloud"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "ptmo 0.1.0");
  int exit_code = 0;
  ptmo::cli::RegisterScan(app, &exit_code);
  ptmo::cli::RegisterMask(app, &exit_code);
  ptmo::cli::RegisterDecompose(app, &exit_code);
  ptmo::cli::RegisterEvalPii(app, &exit_code);
  ptmo::cli::RegisterTrainNer(app, &exit_code);
  ptmo::cli::RegisterBenchPrivacy(app, &exit_code);
  ptmo::cli::RegisterDemo(app, &exit_code);
  ptmo::cli::RegisterMakeModel(app, &exit_code);
  ptmo::cli::RegisterGenerate(app, &exit_code);
  ptmo::cli::RegisterBenchEngine(app, &exit_code);
  ptmo::cli::RegisterPolicy(app, &exit_code);
  ptmo::cli::RegisterServe(app, &exit_code);
  ptmo::cli::RegisterBenchGateway(app, &exit_code);
  ptmo::cli::RegisterAudit(app, &exit_code);
  ptmo::cli::RegisterBudget(app, &exit_code);
  ptmo::cli::RegisterImage(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    // One clear line for usage errors, as for every other user error.
    std::cerr << "ptmo: " << e.what() << " (see --help)\n";
    return 2;
  }
  return exit_code;
}
