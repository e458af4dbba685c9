#include "lab/lab.hpp"

#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "core/service.hpp"

namespace layer7::lab {

namespace fs = std::filesystem;

namespace {

std::string utc_now(const char* format)
{
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char text[64];
    std::strftime(text, sizeof text, format, &tm);
    return text;
}

// Writes `text` to `path` through a temporary beside it: a reader sees the old file or the new.
void write_file(const fs::path& path, const std::string& text)
{
    const fs::path temporary = path.string() + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out.flush())
            throw std::runtime_error("cannot write " + temporary.string());
    }
    fs::rename(temporary, path);
}

// A scratch folder for the servers' files, removed when the run ends.
struct Scratch {
    Scratch()
    {
        std::string pattern = (fs::temp_directory_path() / "layer7-lab-XXXXXX").string();
        if (!::mkdtemp(pattern.data()))
            throw std::runtime_error("cannot make a scratch folder under " + fs::temp_directory_path().string());
        path = pattern;
    }
    ~Scratch()
    {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
    fs::path path;
};

// Runs one experiment: its servers on a runtime thread, the measuring side here. Returns the
// folder of its report.
fs::path run_one(Experiment& e, RunOptions options)
{
    core::Runtime servers(1);  // from here on SIGINT/SIGTERM stop the run rather than kill it
    Scratch scratch;
    options.settings.work_dir = scratch.path.string();
    servers.set_drain_limit(std::chrono::milliseconds(200));
    e.start(servers, options.settings);

    asio::io_context io;
    std::atomic<bool> interrupted{false};
    servers.on_stop([&] {
        interrupted = true;
        io.stop();
    });
    std::thread server_thread([&] { servers.run(); });
    // Said once SIGINT/SIGTERM stop the run gracefully (the runtime holds them from here on).
    std::cerr << "layer7 lab: running " << e.name() << " …" << std::endl;

    std::optional<Report> report;
    std::exception_ptr failure;
    asio::co_spawn(io, e.measure(io, options.settings), [&](std::exception_ptr error, Report r) {
        failure = error;
        if (!error)
            report = std::move(r);
    });
    io.run();
    servers.stop();
    server_thread.join();
    if (failure)
        std::rethrow_exception(failure);
    if (!report)
        throw std::runtime_error(interrupted ? "interrupted" : "no report");

    report->started = utc_now("%Y-%m-%d %H:%M:%S UTC");
    const fs::path dir = fs::path(options.reports) / (utc_now("%Y%m%d-%H%M%S-") + std::string(e.name()));
    fs::create_directories(dir);
    write_file(dir / "index.html", report_html(*report));
    write_file(dir / "run.txt", report->title + "\n" + report->started + "\n");
    write_file(dir / "results.tsv", results_tsv(*report));
    return dir;
}

}  // namespace

std::vector<std::unique_ptr<Experiment>> catalog()
{
    std::vector<std::unique_ptr<Experiment>> all;
    all.push_back(make_http_persistence());
    all.push_back(make_web_cache());
    all.push_back(make_dns_resolution());
    all.push_back(make_p2p_vs_client_server());
    all.push_back(make_hol_blocking());
    all.push_back(make_dash_adaptation());
    all.push_back(make_smtp_relay());
    return all;
}

void list(std::ostream& out)
{
    for (const auto& e : catalog())
        out << e->name() << std::string(22 - std::min<std::size_t>(e->name().size(), 21), ' ') << e->title() << '\n';
}

void write_index(const std::string& reports)
{
    std::vector<RunLink> runs;
    std::error_code ec;
    fs::create_directories(reports, ec);
    for (const auto& entry : fs::directory_iterator(reports, ec)) {
        std::ifstream meta(entry.path() / "run.txt");
        RunLink run;
        if (!std::getline(meta, run.title) || !std::getline(meta, run.started))
            continue;
        run.dir = entry.path().filename().string();
        runs.push_back(std::move(run));
    }
    // Folder names start with the time: newest first.
    std::sort(runs.begin(), runs.end(), [](const RunLink& a, const RunLink& b) { return a.dir > b.dir; });
    write_file(fs::path(reports) / "index.html", index_html(runs));
}

int run(const std::string& name, RunOptions options)
{
    auto all = catalog();
    std::vector<Experiment*> chosen;
    for (auto& e : all)
        if (name == "all" || e->name() == name)
            chosen.push_back(e.get());
    if (chosen.empty()) {
        std::cerr << "layer7 lab: no experiment named '" << name << "' (layer7 lab list shows them)\n";
        return 2;
    }
    int status = 0;
    for (Experiment* e : chosen) {
        try {
            const auto dir = run_one(*e, options);
            write_index(options.reports);
            std::ifstream results(dir / "results.tsv");
            std::cout << results.rdbuf() << e->name() << ": " << (dir / "index.html").string() << '\n' << std::flush;
        } catch (const std::exception& failure) {
            std::cerr << "layer7 lab: " << e->name() << " failed: " << failure.what() << '\n';
            status = 1;
        }
    }
    return status;
}

}  // namespace layer7::lab
