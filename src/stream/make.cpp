// `layer7 stream make`: see make.hpp.
#include "stream/make.hpp"

#include <signal.h>
#include <sys/stat.h>

#include <atomic>

#include <filesystem>
#include <iostream>

namespace layer7::stream {

std::optional<std::string> start_packaging(const PackageOptions& options, Program& child)
{
    const std::string ffmpeg = find_program("ffmpeg");
    if (ffmpeg.empty())
        return "ffmpeg not found on PATH (Debian: apt install ffmpeg)";
    std::error_code ec;
    std::filesystem::create_directories(options.out_dir, ec);
    if (ec)
        return options.out_dir + ": " + ec.message();
    // So that a failed run cannot leave an old manifest looking like its result.
    std::filesystem::remove(options.out_dir + "/" + options.manifest_name, ec);
    if (auto spawn = Program::start(ffmpeg_arguments(ffmpeg, options), child))
        return "cannot start " + ffmpeg + ": " + spawn.message();
    return std::nullopt;
}

std::optional<std::string> check_packaging(const PackageOptions& options, int status)
{
    if (status != 0)
        return "ffmpeg failed (exit status " + std::to_string(status) + ")";
    const auto manifest = options.out_dir + "/" + options.manifest_name;
    struct stat st {};
    if (::stat(manifest.c_str(), &st) != 0)
        return "ffmpeg wrote no " + manifest;
    return std::nullopt;
}

namespace {

std::atomic<pid_t> encoder{-1};

// SIGTERM/SIGINT/SIGHUP to `layer7 stream make` reach ffmpeg too, so it is never left running alone.
extern "C" void forward_signal(int sig)
{
    if (const pid_t pid = encoder.load(); pid > 0)
        ::kill(pid, sig);
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

}  // namespace

int make_presentation(const PackageOptions& options)
{
    Program child;
    if (auto why = start_packaging(options, child)) {
        std::cerr << "layer7 stream make: " << *why << "\n";
        return why->starts_with("ffmpeg not found") ? 2 : 1;
    }
    encoder = child.pid();
    for (int sig : {SIGTERM, SIGINT, SIGHUP})
        ::signal(sig, forward_signal);
    const int status = child.wait();
    encoder = -1;
    if (auto why = check_packaging(options, status)) {
        std::cerr << "layer7 stream make: " << *why << "\n";
        return 1;
    }
    std::cout << "wrote " << options.out_dir << "/" << options.manifest_name << " (" << options.ladder.size()
              << " video renditions";
    for (const auto& r : options.ladder)
        std::cout << (&r == &options.ladder.front() ? ": " : ", ") << r.height << "p " << r.kbps << " kbit/s";
    std::cout << ")\n";
    return 0;
}

}  // namespace layer7::stream
