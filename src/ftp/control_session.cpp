// ControlSession: command table, login, security (RFC 4217) and data-connection set-up
// (PORT/EPRT/PASV/EPSV with the RFC 2577 bounce defence). File commands are in control_files.cpp.
#include "ftp/control_session.hpp"

#include <charconv>

#include "core/text/ascii.hpp"
#include "ftp/path.hpp"

namespace layer7::ftp {

namespace {
Step reply(int code, std::string text)
{
    Step s;
    s.replies.push_back({code, std::move(text)});
    return s;
}

bool is_guest(std::string_view name)
{
    auto lower = [](std::string_view s) {
        std::string out(s);
        for (char& c : out)
            if (c >= 'A' && c <= 'Z')
                c = static_cast<char>(c - 'A' + 'a');
        return out;
    };
    const std::string n = lower(name);
    return n == "anonymous" || n == "ftp";
}

}  // namespace

std::pair<std::string, std::string_view> split_command(std::string_view line)
{
    // Telnet IP/DM (RFC 959 §4.1.3, sent before ABOR) and other IAC bytes may precede the verb.
    while (!line.empty() && static_cast<unsigned char>(line.front()) >= 0xf0)
        line.remove_prefix(1);
    const auto space = line.find(' ');
    std::string verb = core::to_upper(line.substr(0, space));
    std::string_view arg = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    return {std::move(verb), arg};
}

const std::vector<ControlSession::Command>& ControlSession::commands()
{
    using C = ControlSession;
    static const std::vector<Command> table = {
        {"USER", &C::user, true},
        {"PASS", &C::pass, true},
        {"AUTH", &C::auth, true},
        {"PBSZ", &C::pbsz, true},
        {"PROT", &C::prot, true},
        {"QUIT", &C::quit, true},
        {"NOOP", &C::noop, true},
        {"FEAT", &C::feat, true},
        {"OPTS", &C::opts, true},
        {"HELP", &C::help, true},
        {"SYST", &C::syst, true},
        {"ACCT", &C::acct, true},
        {"TYPE", &C::type, false},
        {"MODE", &C::mode, false},
        {"STRU", &C::stru, false},
        {"REST", &C::rest, false},
        {"ALLO", &C::allo, false},
        {"ABOR", &C::abor, false},
        {"PORT", &C::port, false},
        {"EPRT", &C::eprt, false},
        {"PASV", &C::pasv, false},
        {"EPSV", &C::epsv, false},
        {"STAT", &C::status, false},
        {"PWD", &C::pwd, false},
        {"XPWD", &C::pwd, false},
        {"CWD", &C::cwd, false},
        {"XCWD", &C::cwd, false},
        {"CDUP", &C::cdup, false},
        {"XCUP", &C::cdup, false},
        {"LIST", &C::list, false},
        {"NLST", &C::nlst, false},
        {"MLSD", &C::mlsd, false},
        {"MLST", &C::mlst, false},
        {"SIZE", &C::size, false},
        {"MDTM", &C::mdtm, false},
        {"RETR", &C::retr, false},
        {"STOR", &C::stor, false},
        {"STOU", &C::stou, false},
        {"APPE", &C::appe, false},
        {"DELE", &C::dele, false},
        {"MKD", &C::mkd, false},
        {"XMKD", &C::mkd, false},
        {"RMD", &C::rmd, false},
        {"XRMD", &C::rmd, false},
        {"RNFR", &C::rnfr, false},
        {"RNTO", &C::rnto, false},
        {"SITE", &C::not_implemented, false},
        {"SMNT", &C::not_implemented, false},
        {"REIN", &C::not_implemented, false},
        {"CCC", &C::not_implemented, false},
    };
    return table;
}

ControlSession::ControlSession(const Policy& policy, Endpoints endpoints) : policy_(policy), endpoints_(endpoints) {}

Step ControlSession::on_line(std::string_view line)
{
    auto [verb, arg] = split_command(line);
    if (verb.empty())
        return reply(500, "Empty command.");
    const Command* found = nullptr;
    for (const auto& c : commands())
        if (c.verb == verb)
            found = &c;
    if (!found)
        return reply(500, "Unknown command.");
    if (!found->before_login && phase_ != Phase::logged_in)
        return reply(530, "Please login with USER and PASS.");
    // RNTO must come right after RNFR (RFC 959 §4.1.3).
    const bool keep_rename = verb == "RNTO";
    Step step = (this->*(found->handler))(arg);
    if (!keep_rename && verb != "RNFR")
        rename_ready_ = false;
    return step;
}

Step ControlSession::on_line_too_long()
{
    return reply(500, "Command line too long.");
}

Step ControlSession::on_timeout()
{
    Step s = reply(421, "Timeout.");
    s.action.op = Op::close;
    return s;
}

// Login ------------------------------------------------------------------------------------------

Step ControlSession::user(std::string_view arg)
{
    if (phase_ == Phase::logged_in)
        return reply(530, "Can't change to another user.");
    if (arg.empty())
        return reply(501, "USER needs a name.");
    user_ = std::string(arg);
    anonymous_ = policy_.anonymous && is_guest(arg);
    phase_ = Phase::need_password;
    // The same answer for every name, so USER cannot probe which accounts exist.
    return reply(331,
                 anonymous_ ? "Guest login ok, send your e-mail address as password." : "Please specify the password.");
}

Step ControlSession::pass(std::string_view arg)
{
    if (phase_ == Phase::logged_in)
        return reply(230, "Already logged in.");
    if (phase_ != Phase::need_password)
        return reply(503, "Login with USER first.");
    Step s;
    s.action.op = Op::login;
    s.action.user = user_;
    s.action.password = std::string(arg);
    s.action.anonymous = anonymous_;
    return s;
}

Step ControlSession::on_login(bool ok, bool writable)
{
    if (ok) {
        phase_ = Phase::logged_in;
        writable_ = writable && !anonymous_;
        cwd_ = "/";
        return reply(230, "Login successful.");
    }
    phase_ = Phase::need_user;
    if (++login_failures_ >= policy_.max_login_failures) {
        Step s = reply(421, "Too many failed logins.");
        s.action.op = Op::close;
        return s;
    }
    return reply(530, "Login incorrect.");
}

// Security (RFC 4217) ----------------------------------------------------------------------------

Step ControlSession::auth(std::string_view arg)
{
    const std::string mech = core::to_upper(arg);
    if (mech != "TLS" && mech != "TLS-C" && mech != "SSL")
        return reply(504, "Unknown AUTH type.");
    if (!policy_.tls_available)
        return reply(431, "TLS is not configured.");
    if (tls_)
        return reply(503, "Already using TLS.");
    Step s = reply(234, "Proceed with negotiation.");
    s.action.op = Op::start_tls;
    return s;
}

Step ControlSession::on_tls_started()
{
    // RFC 4217 §4: a successful AUTH resets the session to the start, so any login happens under TLS.
    tls_ = true;
    phase_ = Phase::need_user;
    anonymous_ = writable_ = false;
    return {};
}

Step ControlSession::pbsz(std::string_view arg)
{
    if (!tls_)
        return reply(503, "PBSZ needs a TLS control connection.");
    if (arg.empty())
        return reply(501, "PBSZ needs a size.");
    pbsz_ = true;
    return reply(200, "PBSZ=0");  // RFC 4217 §8: a stream cipher has no buffer size
}

Step ControlSession::prot(std::string_view arg)
{
    if (!tls_)
        return reply(503, "PROT needs a TLS control connection.");
    if (!pbsz_)
        return reply(503, "PBSZ first.");
    const std::string level = core::to_upper(arg);
    if (level == "C") {
        protect_ = false;
        return reply(200, "PROT now Clear.");
    }
    if (level == "P") {
        protect_ = true;
        return reply(200, "PROT now Private.");
    }
    if (level == "S" || level == "E")
        return reply(536, "PROT level not supported.");
    return reply(504, "Unknown PROT level.");
}

// Simple commands --------------------------------------------------------------------------------

Step ControlSession::quit(std::string_view)
{
    Step s = reply(221, "Goodbye.");
    s.action.op = Op::close;
    return s;
}

Step ControlSession::noop(std::string_view)
{
    return reply(200, "NOOP ok.");
}
Step ControlSession::syst(std::string_view)
{
    return reply(215, "UNIX Type: L8");
}
Step ControlSession::allo(std::string_view)
{
    return reply(202, "ALLO command ignored.");
}
Step ControlSession::acct(std::string_view)
{
    return reply(202, "ACCT not needed.");
}
Step ControlSession::not_implemented(std::string_view)
{
    return reply(502, "Command not implemented.");
}
// Transfers finish before the next command is read, so there is never one to abort here; a client
// that gave up closed the data connection and got 426 for it (RFC 959 §4.1.3, ABOR).
Step ControlSession::abor(std::string_view)
{
    return reply(225, "No transfer to abort.");
}

Step ControlSession::feat(std::string_view)
{
    std::string text = "Features:\n";
    if (policy_.tls_available)
        text += " AUTH TLS\n PBSZ\n PROT\n";
    text +=
        " EPRT\n EPSV\n MDTM\n MLST type*;size*;sizd*;modify*;perm*;unix.mode*;\n PASV\n REST STREAM\n SIZE\n"
        " TVFS\n UTF8\nEnd";
    return reply(211, text);
}

Step ControlSession::opts(std::string_view arg)
{
    auto [option, value] = split_command(arg);
    if (option == "UTF8" || option == "UTF-8")
        return reply(200, "Always in UTF8 mode.");
    if (option == "MLST")
        return reply(200, "MLST OPTS type;size;sizd;modify;perm;unix.mode;");
    return reply(501, "Option not understood.");
}

Step ControlSession::help(std::string_view)
{
    std::string text = "The following commands are recognized.\n";
    std::string row;
    for (const auto& c : commands()) {
        row += ' ';
        row += c.verb;
        if (row.size() > 60) {
            text += row + "\n";
            row.clear();
        }
    }
    if (!row.empty())
        text += row + "\n";
    return reply(214, text + "Help OK.");
}

Step ControlSession::type(std::string_view arg)
{
    const std::string t = core::to_upper(arg);
    if (t == "A" || t == "A N") {
        ascii_ = true;
        return reply(200, "Switching to ASCII mode.");
    }
    if (t == "I" || t == "L 8") {
        ascii_ = false;
        return reply(200, "Switching to Binary mode.");
    }
    return reply(arg.empty() ? 501 : 504, "Unrecognised TYPE command.");
}

Step ControlSession::mode(std::string_view arg)
{
    return core::to_upper(arg) == "S" ? reply(200, "Mode set to S.") : reply(504, "Bad MODE command.");
}

Step ControlSession::stru(std::string_view arg)
{
    return core::to_upper(arg) == "F" ? reply(200, "Structure set to F.") : reply(504, "Bad STRU command.");
}

Step ControlSession::rest(std::string_view arg)
{
    std::uint64_t offset = 0;
    const auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), offset);
    if (arg.empty() || ec != std::errc() || end != arg.data() + arg.size())
        return reply(501, "REST needs a byte offset.");
    rest_ = offset;
    return reply(350, "Restart position accepted (" + std::to_string(offset) + ").");
}

Step ControlSession::status(std::string_view arg)
{
    if (!arg.empty())
        return listing(Pending::stat, arg);
    std::string text = "FTP server status:\n     Connected to " + to_string(endpoints_.peer) + "\n     Logged in as " +
                       user_ + "\n     TYPE: " + (ascii_ ? "ASCII" : "BINARY") +
                       "\n     Control connection: " + (tls_ ? "TLS" : "plain") +
                       ", data: " + (protect_ ? "private" : "clear") + "\nEnd of status";
    return reply(211, text);
}

// Data connection set-up -------------------------------------------------------------------------

Step ControlSession::port(std::string_view arg)
{
    if (epsv_all_)
        return reply(501, "PORT not allowed after EPSV ALL.");
    const auto hp = parse_port_argument(arg);
    if (!hp)
        return reply(501, "Illegal PORT command.");
    // RFC 2577 §3: a data connection only to the client's own address and an unprivileged port,
    // or anyone could make this server send bytes to a third party (the FTP bounce attack).
    if (!(hp->address == endpoints_.peer) || hp->port < 1024)
        return reply(504, "Refused: PORT to an address or port other than the client's own.");
    data_mode_ = DataMode::active;
    active_ = *hp;
    return reply(200, "PORT command successful. Consider using PASV.");
}

Step ControlSession::eprt(std::string_view arg)
{
    if (epsv_all_)
        return reply(501, "EPRT not allowed after EPSV ALL.");
    EprtError error = EprtError::syntax;
    const auto hp = parse_eprt_argument(arg, &error);
    if (!hp)
        return error == EprtError::unsupported_protocol ? reply(522, "Network protocol not supported, use (1,2)")
                                                        : reply(501, "Illegal EPRT command.");
    if (!(hp->address == endpoints_.peer) || hp->port < 1024)
        return reply(504, "Refused: EPRT to an address or port other than the client's own.");
    data_mode_ = DataMode::active;
    active_ = *hp;
    return reply(200, "EPRT command successful. Consider using EPSV.");
}

Step ControlSession::pasv(std::string_view)
{
    if (epsv_all_)
        return reply(501, "PASV not allowed after EPSV ALL.");
    const IpAddress shown = policy_.pasv_address.value_or(endpoints_.local);
    if (!shown.is_v4())
        return reply(425, "PASV needs IPv4; use EPSV.");
    Step s;
    s.action.op = Op::open_passive;
    pending_epsv_ = false;
    return s;
}

Step ControlSession::epsv(std::string_view arg)
{
    const std::string a = core::to_upper(arg);
    if (a == "ALL") {
        epsv_all_ = true;  // RFC 2428 §4: from now on only EPSV
        return reply(200, "EPSV ALL ok.");
    }
    const char* family = endpoints_.local.is_v4() ? "1" : "2";
    if (!a.empty() && a != family)
        return reply(522, std::string("Network protocol not supported, use (") + family + ")");
    Step s;
    s.action.op = Op::open_passive;
    pending_epsv_ = true;
    return s;
}

Step ControlSession::on_passive_opened(std::optional<std::uint16_t> port)
{
    if (!port) {
        data_mode_ = DataMode::none;
        return reply(425, "Can't open passive connection.");
    }
    data_mode_ = DataMode::passive;
    if (pending_epsv_)
        return reply(229, epsv_reply_text(*port));
    // Never 0,0,0,0: the advertised address, or the address the client reached us on.
    return reply(227, pasv_reply_text({policy_.pasv_address.value_or(endpoints_.local), *port}));
}

std::optional<Reply> ControlSession::data_precondition() const
{
    if (data_mode_ == DataMode::none)
        return Reply{425, "Use PORT, EPRT, PASV or EPSV first."};
    return std::nullopt;
}

Step ControlSession::transfer_step(Reply first, Direction direction, std::string body)
{
    Step s;
    s.replies.push_back(std::move(first));
    s.action.op = Op::transfer;
    s.action.direction = direction;
    s.action.listing = std::move(body);
    s.action.ascii = ascii_ && direction != Direction::send_listing;
    s.action.protect = protect_;
    s.action.data_mode = data_mode_;
    s.action.active = active_;
    return s;
}

Step ControlSession::on_transfer_done(TransferResult result)
{
    // One data connection per transfer (RFC 959 §3.2 in stream mode): PASV/PORT again for the next.
    data_mode_ = DataMode::none;
    rest_ = 0;
    pending_ = Pending::none;
    switch (result) {
    case TransferResult::ok: return reply(226, "Transfer complete.");
    case TransferResult::no_connection: return reply(425, "Can't open data connection.");
    case TransferResult::aborted: return reply(426, "Connection closed; transfer aborted.");
    case TransferResult::local_error: return reply(451, "Local error in processing; transfer aborted.");
    case TransferResult::no_space: return reply(452, "Insufficient storage space; transfer aborted.");
    }
    return reply(451, "Local error in processing.");
}

}  // namespace layer7::ftp
