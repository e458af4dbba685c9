// The write side of the zones: see zone_keeper.hpp.
#include "dns/server/zone_keeper.hpp"

#include <filesystem>

#include <spdlog/spdlog.h>

#include "core/config/config.hpp"
#include "dns/client/transport.hpp"
#include "dns/server/zone_storage.hpp"
#include "dns/zone/journal.hpp"
#include "dns/zone/transfer_stream.hpp"
#include "dns/zone/zone_parser.hpp"

namespace layer7::dns {
namespace {

// Before the first transfer, and for a zone without a SOA: RFC 1912 §2.2's usual values, with a
// short retry so a secondary started before its primary catches up soon.
constexpr std::chrono::seconds default_refresh{3600}, default_retry{10}, default_expire{1209600};

std::string where(const asio::ip::udp::endpoint& e)
{
    return (e.address().is_v6() ? "[" + e.address().to_string() + "]" : e.address().to_string()) + ":" +
           std::to_string(e.port());
}

Message question(const Name& origin, RrType type, Opcode opcode = Opcode::query)
{
    Message m;
    m.id = random_id();
    m.flags.opcode = opcode;
    m.questions.push_back({origin, type, RrClass::in});
    return m;
}

std::string serial_text(const Zone* zone)
{
    return zone ? std::to_string(soa_serial(*zone)) : "none";
}

}  // namespace

ZoneKeeper::ZoneKeeper(ZoneStore& store, std::vector<ZoneFile> files, KeeperOptions options)
    : store_(store), options_(std::move(options)), work_(asio::make_work_guard(io_))
{
    for (auto& f : files) {
        if (!f.journal_note.empty())
            spdlog::warn("dns: {}", f.journal_note);
        else if (f.replayed)
            spdlog::info("dns: {}: {} change{} replayed from {}", f.origin.to_text(), f.replayed,
                         f.replayed == 1 ? "" : "s", f.journal);
        Primary p;
        p.journal = std::make_unique<JournalWriter>(f.journal);
        const Name origin = f.origin;
        const bool set_aside = !f.journal_note.empty();
        p.file = std::move(f);
        if (set_aside)  // a journal that does not continue the file starts again from it
            if (auto e = p.journal->replace(""))
                spdlog::error("dns: {}", *e);
        primaries_.emplace(origin, std::move(p));
    }
    std::lock_guard lock(mutex_);
    for (const auto& config : options_.secondaries) {
        Secondary s;
        s.config = config;
        s.timer = std::make_unique<asio::steady_timer>(io_);
        if (auto text = core::read_text_file(config.file)) {
            auto zone = parse_zone(*text, config.origin, config.file);
            if (zone) {
                spdlog::info("dns: {} serial {} from {} (kept from the last transfer)", config.origin.to_text(),
                             soa_serial(zone.value()), config.file);
                publish(std::make_shared<const Zone>(std::move(zone).value()), {});
                s.loaded = true;
                // Expiry counts from the last transfer: the file's age stands in for it.
                const auto age =
                    std::filesystem::file_time_type::clock::now() - std::filesystem::last_write_time(config.file);
                s.last_success = std::chrono::steady_clock::now() -
                                 std::chrono::duration_cast<std::chrono::steady_clock::duration>(age);
            } else {
                spdlog::warn("dns: {}: {}; waiting for a transfer", config.file, to_text(zone.error()));
            }
        }
        secondaries_.emplace(config.origin, std::move(s));
    }
}

ZoneKeeper::~ZoneKeeper()
{
    work_.reset();
    io_.stop();
    if (thread_.joinable())
        thread_.join();
    flush_all();
}

void ZoneKeeper::start()
{
    const auto zones = store_.get();
    for (const auto& [origin, primary] : primaries_)
        if (const auto* entry = zones->entry(origin))
            notify_all(origin, soa_serial(*entry->zone));
    for (auto& [origin, secondary] : secondaries_)
        asio::co_spawn(io_, follow(secondary), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
}

bool ZoneKeeper::is_primary(const Name& origin) const
{
    return primaries_.count(origin) != 0;
}

bool ZoneKeeper::is_secondary(const Name& origin) const
{
    return secondaries_.count(origin) != 0;
}

void ZoneKeeper::publish(std::shared_ptr<const Zone> zone, ZoneHistory history)
{
    if (history.size() > options_.max_history)
        history.erase(history.begin(), history.end() - static_cast<long>(options_.max_history));
    auto next = std::make_shared<ZoneSet>(*store_.get());
    next->put(std::move(zone), std::move(history));
    store_.set(std::move(next));
}

std::optional<std::string> ZoneKeeper::commit(Primary& primary, std::shared_ptr<const Zone> zone, ZoneChange change)
{
    if (auto error = primary.journal->append(journal_block(change)))
        return error;
    ++primary.journal_blocks;
    const Name origin = zone->origin();
    const std::uint32_t serial = soa_serial(*zone);
    const auto* entry = store_.get()->entry(origin);
    ZoneHistory history = entry ? entry->history : ZoneHistory{};
    history.push_back(std::make_shared<const ZoneChange>(std::move(change)));
    publish(std::move(zone), std::move(history));
    primary.flush_due = true;
    asio::post(io_, [this, origin, serial] {
        schedule_flush(origin);
        notify_all(origin, serial);
    });
    return std::nullopt;
}

UpdateResult ZoneKeeper::update(const Message& update, const UpdateGrant& grant, std::string& error)
{
    std::lock_guard lock(mutex_);
    const Name& origin = update.questions.at(0).name;
    auto primary = primaries_.find(origin);
    const auto* entry = store_.get()->entry(origin);
    if (primary == primaries_.end() || !entry) {
        UpdateResult r;
        r.rcode = Rcode::not_auth;
        r.reason = "not a zone read from a file here";
        return r;
    }
    UpdateResult result = apply_update(update, *entry->zone, grant);
    if (!result.zone)
        return result;
    if (auto failed = commit(primary->second, result.zone, *result.change)) {
        error = *failed;
        result.rcode = Rcode::serv_fail;
        result.zone.reset();
    }
    return result;
}

void ZoneKeeper::schedule_flush(const Name& origin)
{
    auto& timer = flush_timers_[origin];
    if (timer)
        return;  // one is already due; it writes the newest version
    timer = std::make_unique<asio::steady_timer>(io_, options_.flush_delay);
    timer->async_wait([this, origin](std::error_code ec) {
        flush_timers_.erase(origin);
        if (!ec)
            flush(origin);
    });
}

void ZoneKeeper::flush(const Name& origin)
{
    std::shared_ptr<const Zone> zone;
    ZoneHistory history;
    std::string path;
    {
        std::lock_guard lock(mutex_);
        auto it = primaries_.find(origin);
        const auto* entry = store_.get()->entry(origin);
        if (it == primaries_.end() || !entry || !it->second.flush_due)
            return;
        it->second.flush_due = false;
        zone = entry->zone;
        path = it->second.file.path;
        // The journal only grows between compactions: past twice the history kept, it is rewritten
        // with the changes IXFR can still use.
        if (it->second.journal_blocks > 2 * options_.max_history) {
            std::string text;
            for (const auto& change : entry->history)
                text += journal_block(*change);
            if (auto e = it->second.journal->replace(text))
                spdlog::error("dns: {}", *e);
            else
                it->second.journal_blocks = entry->history.size();
        }
    }
    if (auto e = replace_file(path, zone_file_text(*zone)))
        spdlog::error("dns: {} (the journal still holds every change)", *e);
    else
        spdlog::debug("dns: {} serial {} written to {}", origin.to_text(), soa_serial(*zone), path);
}

void ZoneKeeper::flush_all()
{
    for (const auto& [origin, primary] : primaries_)
        flush(origin);
}

void ZoneKeeper::notify_all(const Name& origin, std::uint32_t serial)
{
    for (const auto& target : options_.notify)
        asio::co_spawn(io_, notify_one(origin, serial, target), asio::detached);
}

core::awaitable<void> ZoneKeeper::notify_one(Name origin, std::uint32_t serial, asio::ip::udp::endpoint target)
{
    // RFC 1996 §3.7: the question names the zone's SOA, the answer may carry it (serial hint).
    Message notify = question(origin, RrType::soa, Opcode::notify);
    notify.flags.aa = true;
    if (const auto* entry = store_.get()->entry(origin))
        if (const RRset* soa = entry->zone->soa())
            notify.answers.push_back(soa->records().front());
    ExchangeOptions options;
    options.timeout = std::chrono::milliseconds(2000);
    options.tries = 5;  // §3.6: retransmitted until answered, a few times
    options.retry_tcp_on_tc = false;
    options.tsig = options_.transfer_key;
    const Exchange result = co_await exchange(target.address(), target.port(), notify, options);
    if (!result.error.empty())
        spdlog::warn("dns: NOTIFY {} serial {} to {}: {}", origin.to_text(), serial, where(target), result.error);
    else if (result.reply.rcode != Rcode::no_error)
        spdlog::warn("dns: NOTIFY {} serial {} to {}: {}", origin.to_text(), serial, where(target),
                     to_text(result.reply.rcode));
    else
        spdlog::info("dns: NOTIFY {} serial {} to {}: acknowledged", origin.to_text(), serial, where(target));
}

bool ZoneKeeper::notified(const Name& origin, const asio::ip::address& from)
{
    auto it = secondaries_.find(origin);
    if (it == secondaries_.end() || it->second.config.primary.address() != from)
        return false;
    Secondary& s = it->second;
    asio::post(io_, [&s] { s.timer->cancel(); });  // the waiting refresh runs now
    return true;
}

std::chrono::seconds ZoneKeeper::soa_timer(const Secondary& secondary, std::uint32_t Soa::*field) const
{
    const auto fallback = field == &Soa::refresh ? default_refresh
                          : field == &Soa::retry ? default_retry
                                                 : default_expire;
    const auto* entry = store_.get()->entry(secondary.config.origin);
    const RRset* soa = entry ? entry->zone->soa() : nullptr;
    const auto value = soa ? std::chrono::seconds(std::get<Soa>(soa->rdatas.front()).*field) : fallback;
    return std::max(value, options_.retry_floor);
}

core::awaitable<void> ZoneKeeper::follow(Secondary& secondary)
{
    for (;;) {
        co_await refresh(secondary);
        co_await secondary.timer->async_wait(core::use_tuple);  // cancelled by NOTIFY: refresh now
        if (io_.stopped())
            co_return;
    }
}

core::awaitable<void> ZoneKeeper::refresh(Secondary& s)
{
    const Name& origin = s.config.origin;
    const auto primary = s.config.primary;
    std::shared_ptr<const Zone> ours;
    ZoneHistory history;
    if (const auto* entry = store_.get()->entry(origin)) {
        ours = entry->zone;
        history = entry->history;
    }
    const std::uint32_t our_serial = ours ? soa_serial(*ours) : 0;
    auto retry_later = [&](const std::string& why) {
        spdlog::warn("dns: {} from {}: {}", origin.to_text(), where(primary), why);
        const auto expire = soa_timer(s, &Soa::expire);
        if (s.loaded && std::chrono::steady_clock::now() - s.last_success > expire) {
            spdlog::error("dns: {} expired: no answer from {} for {} s", origin.to_text(), where(primary),
                          expire.count());
            std::lock_guard lock(mutex_);
            auto next = std::make_shared<ZoneSet>();
            for (const auto& [name, entry] : store_.get()->zones())
                if (!(name == origin))
                    next->put(entry.zone, entry.history);
            store_.set(std::move(next));
            s.loaded = false;
        }
        s.timer->expires_after(soa_timer(s, &Soa::retry));
    };

    ExchangeOptions options;
    options.timeout = std::chrono::milliseconds(2000);
    options.tries = 3;
    options.tsig = options_.primary_key;
    const Exchange probe = co_await exchange(primary.address(), primary.port(), question(origin, RrType::soa), options);
    const Soa* theirs = nullptr;
    for (const auto& rr : probe.reply.answers)
        if (rr.type == RrType::soa && rr.owner == origin)
            theirs = std::get_if<Soa>(&rr.data);
    if (!probe.error.empty() || !theirs) {
        retry_later(probe.error.empty() ? "SOA query: " + to_text(probe.reply.rcode) : "SOA query: " + probe.error);
        co_return;
    }
    if (ours && !serial_newer(theirs->serial, our_serial)) {
        s.last_success = std::chrono::steady_clock::now();
        s.timer->expires_after(soa_timer(s, &Soa::refresh));
        co_return;
    }

    // IXFR from our serial when we have a zone (RFC 1995 §3), else (or when that fails) AXFR.
    options.tcp = true;
    options.transfer = true;
    options.timeout = std::chrono::milliseconds(30000);
    options.tries = 1;
    const std::vector<bool> attempts = ours ? std::vector<bool>{true, false} : std::vector<bool>{false};
    for (const bool incremental : attempts) {
        Message request = question(origin, incremental ? RrType::ixfr : RrType::axfr);
        if (incremental)
            request.authority.push_back(ours->soa()->records().front());
        const Exchange got = co_await exchange(primary.address(), primary.port(), request, options);
        if (!got.error.empty() || got.reply.rcode != Rcode::no_error) {
            spdlog::warn("dns: {} {} from {}: {}", origin.to_text(), incremental ? "IXFR" : "AXFR", where(primary),
                         got.error.empty() ? to_text(got.reply.rcode) : got.error);
            continue;
        }
        TransferContent content = read_transfer(got.reply.answers, origin, incremental, our_serial);
        if (!content.error.empty()) {
            spdlog::warn("dns: {} from {}: {}", origin.to_text(), where(primary), content.error);
            continue;
        }
        std::shared_ptr<const Zone> next;
        const char* how = "AXFR";
        if (content.zone) {
            next = std::make_shared<const Zone>(std::move(*content.zone));
            history.clear();
        } else if (!content.changes.empty()) {
            auto zone = std::make_shared<Zone>(*ours);
            bool applied = true;
            for (auto& change : content.changes) {
                applied = applied && apply(*zone, change);
                history.push_back(std::make_shared<const ZoneChange>(std::move(change)));
            }
            if (!applied) {
                spdlog::warn("dns: {} from {}: the IXFR does not apply to serial {}", origin.to_text(), where(primary),
                             our_serial);
                continue;
            }
            next = std::move(zone);
            how = "IXFR";
        } else {
            break;  // up to date after all
        }
        {
            std::lock_guard lock(mutex_);
            publish(next, std::move(history));
        }
        s.loaded = true;
        s.last_success = std::chrono::steady_clock::now();
        spdlog::info("dns: {} serial {} from {} by {} ({} → {})", origin.to_text(), soa_serial(*next), where(primary),
                     how, serial_text(ours.get()), soa_serial(*next));
        if (auto e = replace_file(s.config.file, zone_file_text(*next)))
            spdlog::error("dns: {}", *e);
        s.timer->expires_after(soa_timer(s, &Soa::refresh));
        co_return;
    }
    retry_later("no transfer succeeded");
}

bool ZoneKeeper::reload()
{
    auto loaded = load_zone_files(options_.zone_specs, options_.embedded_zones);
    if (!loaded) {
        spdlog::error("dns: reload failed, keeping the loaded zones: {}", loaded.error());
        return false;
    }
    std::lock_guard lock(mutex_);
    for (const auto& f : loaded.value().files) {
        auto primary = primaries_.find(f.origin);
        const auto* fresh = loaded.value().zones->entry(f.origin);
        const auto* current = store_.get()->entry(f.origin);
        if (primary == primaries_.end() || !fresh || !current)
            continue;
        const std::uint32_t was = soa_serial(*current->zone), now = soa_serial(*fresh->zone);
        if (!serial_newer(now, was)) {
            if (now != was)
                spdlog::warn("dns: {}: serial {} in {} is not above {}; keeping the zone as served", f.origin.to_text(),
                             now, f.path, was);
            continue;
        }
        if (auto e = commit(primary->second, fresh->zone, difference(*current->zone, *fresh->zone)))
            spdlog::error("dns: reload of {}: {}", f.origin.to_text(), *e);
        else
            spdlog::info("dns: {} reloaded from {}: serial {} → {}", f.origin.to_text(), f.path, was, now);
    }
    return true;
}

}  // namespace layer7::dns
