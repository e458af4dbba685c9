// Man-page-like help and layer7(1): see help.hpp.
#include "cli/help.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <vector>

namespace layer7::cli {

namespace {

constexpr std::string_view indent = "       ";  // man(1)'s body indent
constexpr std::size_t text_width = 79;

std::vector<std::string_view> split(std::string_view text, char sep)
{
    std::vector<std::string_view> out;
    for (;;) {
        const auto at = text.find(sep);
        out.push_back(text.substr(0, at));
        if (at == std::string_view::npos)
            return out;
        text.remove_prefix(at + 1);
    }
}

// Words of `paragraph` filled to the text width, each line indented.
std::string fill(std::string_view paragraph)
{
    std::string out, line;
    for (auto word : split(paragraph, ' ')) {
        if (word.empty())
            continue;
        if (!line.empty() && indent.size() + line.size() + 1 + word.size() > text_width) {
            out.append(indent).append(line).push_back('\n');
            line.clear();
        }
        if (!line.empty())
            line.push_back(' ');
        line.append(word);
    }
    if (!line.empty())
        out.append(indent).append(line).push_back('\n');
    return out;
}

std::string indented_lines(std::string_view text)
{
    std::string out;
    for (auto line : split(text, '\n'))
        if (!line.empty())
            out.append(indent).append(line).push_back('\n');
    return out;
}

// The paragraphs of a description, blank-line separated.
std::string paragraphs(std::string_view text)
{
    std::string out;
    for (std::size_t at = 0; at != std::string_view::npos;) {
        const auto end = text.find("\n\n", at);
        std::string_view p = text.substr(at, end == std::string_view::npos ? end : end - at);
        std::string joined(p);
        std::replace(joined.begin(), joined.end(), '\n', ' ');
        if (!out.empty())
            out.push_back('\n');
        out += fill(joined);
        at = end == std::string_view::npos ? end : end + 2;
    }
    return out;
}

std::string synopsis(const CLI::Formatter& f, const CLI::App* app, const std::string& name)
{
    std::string usage = f.make_usage(app, name);
    if (const auto colon = usage.find(": "); colon != std::string::npos)
        usage.erase(0, colon + 2);
    while (!usage.empty() && usage.back() == '\n')
        usage.pop_back();
    return usage;
}

const char* const global_options =
    "Global options, accepted before or after the command: --trace, --trace-secrets, --log-level LEVEL, "
    "--threads N, --data DIR, --hosts FILE|none (see layer7 --help).";

}  // namespace

std::string command_path(const CLI::App& app)
{
    std::string path;
    for (const CLI::App* a = &app; a && a->get_parent(); a = a->get_parent())
        path.insert(0, path.empty() ? a->get_name() : a->get_name() + " ");
    return path;
}

std::string ManFormatter::make_help(const CLI::App* app, std::string, CLI::AppFormatMode mode) const
{
    if (mode == CLI::AppFormatMode::Sub)
        return make_expanded(app);
    const std::string path = command_path(*app);
    const std::string name = path.empty() ? "layer7" : "layer7 " + path;
    const HelpPage page = help_page(path);
    const std::string usage = synopsis(*this, app, name);
    std::ostringstream out;
    out << "NAME\n" << indent << name << " - " << app->get_description() << "\n\n";
    out << "SYNOPSIS\n" << indent << usage << "\n\n";
    out << "DESCRIPTION\n" << paragraphs(page.description.empty() ? app->get_description() : page.description) << "\n";
    out << "OPTIONS\n" << indented_lines(make_positionals(app) + make_groups(app, mode));
    if (app->get_parent())
        out << fill(global_options);
    out << "\n";
    if (const auto subs = app->get_subcommands({}); !subs.empty()) {
        out << "COMMANDS\n";
        for (const CLI::App* sub : subs)
            out << indent << sub->get_name()
                << std::string(sub->get_name().size() < 12 ? 12 - sub->get_name().size() : 1, ' ')
                << sub->get_description() << "\n";
        out << "\n";
    }
    out << "EXAMPLES\n" << indented_lines(page.examples.empty() ? usage : page.examples) << "\n";
    out << "EXIT STATUS\n" << indented_lines(page.exit_status) << "\n";
    out << "SEE ALSO\n" << fill(page.see_also);
    return out.str();
}

namespace {

// Text as roff: backslashes, hyphens and control characters at a line start escaped, every
// non-ASCII character as \[uXXXX] so groff needs no input encoding.
std::string roff(std::string_view text)
{
    std::string out;
    bool line_start = true;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (line_start && (c == '.' || c == '\''))
            out += "\\&";
        line_start = c == '\n';
        if (c == '\\') {
            out += "\\e";
        } else if (c == '-') {
            out += "\\-";
        } else if (c < 0x80) {
            out.push_back(static_cast<char>(c));
        } else {
            const int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
            unsigned code = c & (0x3f >> extra);
            for (int k = 0; k < extra && i + 1 < text.size(); ++k)
                code = (code << 6) | (static_cast<unsigned char>(text[++i]) & 0x3f);
            char buf[16];
            std::snprintf(buf, sizeof buf, "\\[u%04X]", code);
            out += buf;
        }
    }
    return out;
}

std::string roff_paragraphs(std::string_view text)
{
    std::string out;
    for (std::size_t at = 0; at != std::string_view::npos;) {
        const auto end = text.find("\n\n", at);
        std::string p(text.substr(at, end == std::string_view::npos ? end : end - at));
        std::replace(p.begin(), p.end(), '\n', ' ');
        out += ".PP\n" + roff(p) + "\n";
        at = end == std::string_view::npos ? end : end + 2;
    }
    return out;
}

std::string roff_lines(std::string_view text)
{
    std::string out = ".PP\n.nf\n.RS 4\n";
    for (auto line : split(text, '\n'))
        if (!line.empty())
            out += roff(line) + "\n";
    return out + ".RE\n.fi\n";
}

void roff_options(std::ostringstream& out, const CLI::Formatter& f, const CLI::App& app)
{
    for (const CLI::Option* opt : app.get_options()) {
        if (opt->get_group().empty())
            continue;  // hidden
        const bool positional = opt->get_positional() && !opt->nonpositional();
        out << ".TP\n.B " << roff(f.make_option_name(opt, positional)) << roff(f.make_option_opts(opt)) << "\n"
            << roff(opt->get_description().empty() ? "-" : opt->get_description()) << "\n";
    }
}

void roff_command(std::ostringstream& out, const CLI::Formatter& f, const CLI::App& app)
{
    const std::string path = command_path(app);
    const HelpPage page = help_page(path);
    const std::string name = "layer7 " + path;
    out << ".SS \"" << roff(name) << "\"\n"
        << roff(app.get_description()) << "\n.PP\n.B " << roff(synopsis(f, &app, name)) << "\n";
    if (!page.description.empty())
        out << roff_paragraphs(page.description);
    roff_options(out, f, app);
    if (!page.examples.empty())
        out << ".PP\nExamples:\n" << roff_lines(page.examples);
    if (page.exit_status != help_page("").exit_status)
        out << ".PP\nExit status:\n" << roff_lines(page.exit_status);
    for (const CLI::App* sub : app.get_subcommands({}))
        roff_command(out, f, *sub);
}

}  // namespace

std::string man_page(const CLI::App& app, std::string_view version)
{
    const HelpPage page = help_page("");
    ManFormatter f;
    std::ostringstream out;
    out << ".TH LAYER7 1 \"\" \"layer7 " << roff(version) << "\" \"User Commands\"\n";
    out << ".SH NAME\nlayer7 \\- " << roff(app.get_description()) << "\n";
    out << ".SH SYNOPSIS\n.B layer7\n[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGS\\fR]\n";
    out << ".SH DESCRIPTION\n" << roff_paragraphs(page.description);
    out << ".SH OPTIONS\nGlobal options, accepted before or after the command:\n";
    roff_options(out, f, app);
    out << ".SH COMMANDS\n";
    for (const CLI::App* sub : app.get_subcommands({}))
        roff_command(out, f, *sub);
    out << ".SH EXAMPLES\n" << roff_lines(page.examples);
    out << ".SH \"EXIT STATUS\"\n" << roff_lines(page.exit_status);
    out << ".SH \"SEE ALSO\"\n" << roff(page.see_also) << "\n";
    return out.str();
}

}  // namespace layer7::cli
