// Man-page-like help: `layer7 [COMMAND…] --help` prints NAME, SYNOPSIS, DESCRIPTION, OPTIONS,
// COMMANDS, EXAMPLES, EXIT STATUS and SEE ALSO, and `layer7 --man-page` writes the same text as the
// roff page layer7(1) that `cmake --install` puts under share/man/man1. One source for both: the
// CLI11 definitions (synopsis, options) plus the pages in help_pages.cpp (prose, examples).
#pragma once

#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

namespace layer7::cli {

// The prose of one command's page; empty fields fall back to the shared defaults.
struct HelpPage {
    std::string_view command;      // "get", "dns serve"; "" for layer7 itself
    std::string_view description;  // paragraphs separated by "\n\n"
    std::string_view examples;     // one command per line; "# …" lines explain the next
    std::string_view exit_status;  // "CODE meaning" lines
    std::string_view see_also;
};

// The page of `command` (space-separated subcommand path), the default exit status and see-also
// filled in; an empty description or examples: the caller uses the command's one-line description
// and its synopsis.
HelpPage help_page(std::string_view command);

// "get", "dns serve": the subcommand path of `app` below the program.
std::string command_path(const CLI::App& app);

// Install on the top-level App before adding subcommands (they inherit it).
class ManFormatter final : public CLI::Formatter {
public:
    std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override;
};

// The whole layer7(1) page in roff (man(7) macros), every command included.
std::string man_page(const CLI::App& app, std::string_view version);

}  // namespace layer7::cli
