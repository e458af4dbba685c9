// ZoneKeeper: the write side of the authoritative server's zones. UPDATEs (from the workers), zone
// transfers in (a secondary's refreshes) and SIGHUP reloads go through it one at a time; a change is
// in the zone's journal, fsynced, before the new zone set is published, the zone file is rewritten
// a moment later, and the configured secondaries are sent NOTIFY (RFC 1996). Its own thread runs
// the timers and the client side: NOTIFY out, and for the zones it follows as a secondary, SOA
// checks on the refresh/retry/expire timers of the SOA and IXFR (AXFR when that fails) from the
// primary, at once when the primary sends NOTIFY.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/net/asio.hpp"
#include "dns/authority/update.hpp"
#include "dns/server/zone_store.hpp"
#include "dns/server/zone_files.hpp"
#include "dns/tsig/tsig.hpp"

namespace layer7::dns {

struct SecondaryZone {
    Name origin;
    asio::ip::udp::endpoint primary;  // UDP for SOA checks, TCP at the same address for transfers
    std::string file;                 // where the transferred zone is kept
};

struct KeeperOptions {
    std::vector<std::string> zone_specs;  // as given to load_zone_files, read again on reload
    std::vector<EmbeddedZone> embedded_zones;
    std::vector<asio::ip::udp::endpoint> notify;  // told of every change of a zone read from a file
    std::vector<SecondaryZone> secondaries;
    const TsigKey* transfer_key = nullptr;  // signs our NOTIFYs
    const TsigKey* primary_key = nullptr;   // signs our SOA checks and transfer requests
    std::size_t max_history = 1000;         // changes kept for IXFR (and in a compacted journal)
    std::chrono::milliseconds flush_delay{1000};
    std::chrono::seconds retry_floor{1};  // never check a primary more often than this
};

class ZoneKeeper {
public:
    // `files`: the zones `store` was loaded with (and their journals); secondary zones already on
    // disk are added to the store here.
    ZoneKeeper(ZoneStore& store, std::vector<ZoneFile> files, KeeperOptions options);
    ~ZoneKeeper();  // stops the thread, then writes the zone files still due
    ZoneKeeper(const ZoneKeeper&) = delete;
    ZoneKeeper& operator=(const ZoneKeeper&) = delete;

    // Starts the thread: NOTIFY for every primary zone, a first SOA check for every secondary.
    void start();
    // From a worker: applies an UPDATE to a zone read from a file. When it returns the change is
    // durable and published. `error` is set (and SERVFAIL returned) when the journal cannot be written.
    UpdateResult update(const Message& update, const UpdateGrant& grant, std::string& error);
    // True for a zone read from a file (UPDATE and NOTIFY-out apply to those only).
    bool is_primary(const Name& origin) const;
    bool is_secondary(const Name& origin) const;
    // A NOTIFY for `origin` came from `from`: true (and a refresh starts) when that is its primary.
    bool notified(const Name& origin, const asio::ip::address& from);
    // SIGHUP: zone files read again; a file whose serial went up replaces the zone, and the
    // difference is journaled and NOTIFYed as if it had come by UPDATE. False when a file does not
    // load (logged; every zone stays as it is).
    bool reload();

private:
    struct Primary {
        ZoneFile file;
        std::unique_ptr<class JournalWriter> journal;
        std::size_t journal_blocks = 0;
        bool flush_due = false;
    };
    struct Secondary {
        SecondaryZone config;
        std::unique_ptr<asio::steady_timer> timer;
        std::chrono::steady_clock::time_point last_success{};
        bool loaded = false;
    };

    // With the lock held: publishes `zone` (and its history) in a new zone set.
    void publish(std::shared_ptr<const Zone> zone, ZoneHistory history);
    // With the lock held: journals the change, publishes, schedules the flush and the NOTIFYs.
    std::optional<std::string> commit(Primary& primary, std::shared_ptr<const Zone> zone, ZoneChange change);
    void schedule_flush(const Name& origin);
    void flush(const Name& origin);
    void flush_all();
    core::awaitable<void> notify_one(Name origin, std::uint32_t serial, asio::ip::udp::endpoint target);
    void notify_all(const Name& origin, std::uint32_t serial);
    core::awaitable<void> follow(Secondary& secondary);
    core::awaitable<void> refresh(Secondary& secondary);
    // The SOA timers of a secondary zone (refresh, retry, expire), defaults before the first transfer.
    std::chrono::seconds soa_timer(const Secondary& secondary, std::uint32_t Soa::*field) const;

    ZoneStore& store_;
    KeeperOptions options_;
    asio::io_context io_;  // before the timers below, which must go first
    asio::executor_work_guard<asio::io_context::executor_type> work_;
    mutable std::mutex mutex_;  // one change at a time; guards the maps below and the store's writes
    std::map<Name, Primary, CanonicalLess> primaries_;
    std::map<Name, Secondary, CanonicalLess> secondaries_;
    std::map<Name, std::unique_ptr<asio::steady_timer>, CanonicalLess> flush_timers_;  // keeper thread only
    std::thread thread_;
};

}  // namespace layer7::dns
