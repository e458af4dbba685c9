// ControlSession's file and directory commands (RFC 959 §4.1.3, RFC 3659 SIZE/MDTM/MLST/MLSD) and
// the replies to their file-system results. Every path goes through resolve(): escapes are 550.
#include "ftp/control_session.hpp"
#include "ftp/path.hpp"

namespace layer7::ftp {

namespace {
Step reply(int code, std::string text)
{
    Step s;
    s.replies.push_back({code, std::move(text)});
    return s;
}

Step permission_denied()
{
    return reply(550, "Permission denied.");
}

// LIST's argument may carry ls options ("-la"), which the listing ignores.
std::string_view strip_list_options(std::string_view arg)
{
    while (!arg.empty() && arg.front() == '-') {
        const auto space = arg.find(' ');
        arg = space == std::string_view::npos ? std::string_view() : arg.substr(space + 1);
    }
    return arg;
}
}  // namespace

std::optional<std::string> ControlSession::resolve(std::string_view arg) const
{
    return resolve_path(cwd_, arg);
}

Step ControlSession::fs_action(Pending pending, Op op, const std::string& virtual_path)
{
    Step s;
    s.action.op = op;
    s.action.path = to_relative(virtual_path);
    pending_ = pending;
    pending_path_ = virtual_path;
    return s;
}

Step ControlSession::pwd(std::string_view)
{
    return reply(257, quote_path(cwd_) + " is the current directory.");
}

Step ControlSession::cwd(std::string_view arg)
{
    const auto path = resolve(arg.empty() ? "/" : arg);
    if (!path)
        return reply(550, "Failed to change directory.");
    return fs_action(Pending::cwd, Op::change_dir, *path);
}

Step ControlSession::cdup(std::string_view)
{
    return cwd("..");
}

Step ControlSession::listing(Pending pending, std::string_view arg)
{
    if (pending != Pending::stat)
        if (auto r = data_precondition())
            return reply(r->code, r->text);
    const auto path = resolve(strip_list_options(arg));
    if (!path)
        return reply(550, "No such file or directory.");
    return fs_action(pending, Op::list, *path);
}

Step ControlSession::list(std::string_view arg)
{
    return listing(Pending::list, arg);
}
Step ControlSession::nlst(std::string_view arg)
{
    return listing(Pending::nlst, arg);
}
Step ControlSession::mlsd(std::string_view arg)
{
    return listing(Pending::mlsd, arg);
}

Step ControlSession::mlst(std::string_view arg)
{
    const auto path = resolve(arg);
    if (!path)
        return reply(550, "No such file or directory.");
    return fs_action(Pending::mlst, Op::stat, *path);
}

Step ControlSession::size(std::string_view arg)
{
    const auto path = resolve(arg);
    if (!path || arg.empty())
        return reply(550, "Could not get file size.");
    return fs_action(Pending::size, Op::stat, *path);
}

Step ControlSession::mdtm(std::string_view arg)
{
    const auto path = resolve(arg);
    if (!path || arg.empty())
        return reply(550, "Could not get file modification time.");
    return fs_action(Pending::mdtm, Op::stat, *path);
}

Step ControlSession::retr(std::string_view arg)
{
    if (auto r = data_precondition())
        return reply(r->code, r->text);
    const auto path = resolve(arg);
    if (!path || arg.empty() || *path == "/")
        return reply(550, "Failed to open file.");
    Step s = fs_action(Pending::retr, Op::open_read, *path);
    s.action.offset = rest_;
    return s;
}

Step ControlSession::store(Pending pending, std::string_view arg, bool append)
{
    if (!writable_)
        return permission_denied();
    if (auto r = data_precondition())
        return reply(r->code, r->text);
    if (pending == Pending::stou) {
        // RFC 959: STOU names the file itself; an argument is taken as a suggested name.
        const auto dir = resolve(".");
        const auto suggested = base_name(arg);
        Step s = fs_action(Pending::stou, Op::open_write, *dir);
        s.action.unique = true;
        s.action.path2 = suggested.empty() || suggested == "." || suggested == ".." ? "file" : std::string(suggested);
        return s;
    }
    const auto path = resolve(arg);
    if (!path || arg.empty() || *path == "/")
        return reply(553, "Could not create file.");
    Step s = fs_action(pending, Op::open_write, *path);
    s.action.append = append;
    s.action.offset = append ? 0 : rest_;
    return s;
}

Step ControlSession::stor(std::string_view arg)
{
    return store(Pending::stor, arg, false);
}
Step ControlSession::appe(std::string_view arg)
{
    return store(Pending::stor, arg, true);
}
Step ControlSession::stou(std::string_view arg)
{
    return store(Pending::stou, arg, false);
}

Step ControlSession::dele(std::string_view arg)
{
    if (!writable_)
        return permission_denied();
    const auto path = resolve(arg);
    if (!path || arg.empty() || *path == "/")
        return reply(550, "Delete operation failed.");
    return fs_action(Pending::dele, Op::remove_file, *path);
}

Step ControlSession::mkd(std::string_view arg)
{
    if (!writable_)
        return permission_denied();
    const auto path = resolve(arg);
    if (!path || arg.empty() || *path == "/")
        return reply(550, "Create directory operation failed.");
    return fs_action(Pending::mkd, Op::make_dir, *path);
}

Step ControlSession::rmd(std::string_view arg)
{
    if (!writable_)
        return permission_denied();
    const auto path = resolve(arg);
    if (!path || arg.empty() || *path == "/" || cwd_.rfind(*path, 0) == 0)
        return reply(550, "Remove directory operation failed.");
    return fs_action(Pending::rmd, Op::remove_dir, *path);
}

Step ControlSession::rnfr(std::string_view arg)
{
    if (!writable_)
        return permission_denied();
    const auto path = resolve(arg);
    if (!path || arg.empty() || *path == "/")
        return reply(550, "RNFR command failed.");
    return fs_action(Pending::rnfr, Op::stat, *path);
}

Step ControlSession::rnto(std::string_view arg)
{
    if (!rename_ready_)
        return reply(503, "RNFR required first.");
    rename_ready_ = false;
    if (!writable_)
        return permission_denied();
    const auto path = resolve(arg);
    if (!path || arg.empty() || *path == "/")
        return reply(553, "Rename failed: file name not allowed.");
    Step s = fs_action(Pending::rnto, Op::rename, rename_from_);
    s.action.path2 = to_relative(*path);
    return s;
}

Step ControlSession::fs_failed(FsError error)
{
    const Pending was = pending_;
    pending_ = Pending::none;
    if (error == FsError::no_space)
        return reply(452, "Insufficient storage space.");
    if (error == FsError::io)
        return reply(451, "Local error in processing.");
    if (was == Pending::stor || was == Pending::stou || was == Pending::rnto)
        return reply(553, error == FsError::denied || error == FsError::escape ? "Permission denied."
                                                                               : "Could not create file.");
    if (was == Pending::cwd)
        return reply(550, "Failed to change directory.");
    switch (error) {
    case FsError::not_found: return reply(550, "No such file or directory.");
    case FsError::not_directory: return reply(550, "Not a directory.");
    case FsError::is_directory: return reply(550, "Is a directory.");
    case FsError::exists: return reply(550, "File exists.");
    case FsError::not_empty: return reply(550, "Directory not empty.");
    case FsError::escape: return reply(550, "Path leads outside the root.");
    default: return permission_denied();
    }
}

Step ControlSession::on_fs(const FsResult& r)
{
    if (r.error != FsError::ok)
        return fs_failed(r.error);
    const Pending was = pending_;
    pending_ = Pending::none;
    switch (was) {
    case Pending::cwd:
        if (!r.info.directory)
            return reply(550, "Failed to change directory.");
        cwd_ = pending_path_;
        return reply(250, "Directory successfully changed.");
    case Pending::size:
        if (r.info.directory)
            return reply(550, "Could not get file size.");
        return reply(213, std::to_string(r.info.size));
    case Pending::mdtm: return reply(213, timeval(r.info.mtime));
    case Pending::rnfr:
        rename_from_ = pending_path_;
        rename_ready_ = true;
        return reply(350, "Ready for RNTO.");
    case Pending::mlst: {
        FileInfo f = r.info;
        f.name = pending_path_;
        return reply(250, "Listing " + pending_path_ + "\n " + mlsd_line(f, writable_) + "\nEnd");
    }
    case Pending::stat: {
        std::string text = "Status of " + pending_path_ + ":\n";
        for (const auto& f : r.entries)
            text += list_line(f, r.now) + "\n";
        return reply(213, text + "End of status");
    }
    case Pending::list:
    case Pending::nlst:
    case Pending::mlsd: {
        if (was == Pending::mlsd && r.single_file)
            return reply(501, "MLSD needs a directory.");
        const ListFormat format = was == Pending::list   ? ListFormat::list
                                  : was == Pending::nlst ? ListFormat::nlst
                                                         : ListFormat::mlsd;
        return transfer_step({150, "Here comes the directory listing."}, Direction::send_listing,
                             format_listing(r.entries, format, r.now, writable_));
    }
    case Pending::retr: {
        if (rest_ > r.info.size) {
            rest_ = 0;
            return reply(554, "Restart offset past the end of the file.");
        }
        Step s = transfer_step(
            {150, std::string("Opening ") + (ascii_ ? "ASCII" : "BINARY") + " mode data connection for " +
                      std::string(base_name(pending_path_)) + " (" + std::to_string(r.info.size) + " bytes)."},
            Direction::send_file);
        s.action.offset = rest_;
        return s;
    }
    case Pending::stor: return transfer_step({150, "Ok to send data."}, Direction::receive_file);
    case Pending::stou: return transfer_step({150, "FILE: " + r.info.name}, Direction::receive_file);
    case Pending::dele: return reply(250, "Delete operation successful.");
    case Pending::rmd: return reply(250, "Remove directory operation successful.");
    case Pending::mkd: return reply(257, quote_path(pending_path_) + " created.");
    case Pending::rnto: return reply(250, "Rename successful.");
    case Pending::none: break;
    }
    return reply(451, "Local error in processing.");
}

}  // namespace layer7::ftp
