// The receivers' acceptor: see intake.hpp.
#include "mail/delivery/intake.hpp"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "mail/delivery/local.hpp"
#include "mail/delivery/route.hpp"
#include "mail/queue/doorbell.hpp"
#include "mail/queue/spool.hpp"

namespace layer7::mail::delivery {
namespace {

std::int64_t unix_now()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

const char* plural(std::size_t n)
{
    return n == 1 ? "" : "s";
}

}  // namespace

// The content is held in memory until it outgrows held_in_memory, then written into a spool file
// as it comes. At commit a local-only message is read back (if it was written) and delivered.
class Intake::Sink final : public mail::MessageSink {
public:
    Sink(Intake& intake, mail::Envelope envelope, bool local)
        : intake_(intake), envelope_(std::move(envelope)), local_(local), arrival_(unix_now())
    {
    }

    std::error_code append(std::string_view bytes) override
    {
        if (!file_ && held_.size() + bytes.size() <= held_in_memory) {
            held_.append(bytes);
            return {};
        }
        if (!file_) {
            auto opened = intake_.spool_.open(envelope_, arrival_);
            if (!opened)
                return opened.error();
            file_ = std::move(*opened);
            if (auto ec = file_->append(std::exchange(held_, {})))
                return ec;
        }
        return file_->append(bytes);
    }

    core::Result<std::string, std::error_code> commit() override
    {
        if (local_)
            return deliver_here();
        return queue(envelope_);
    }

private:
    // Final delivery now, each copy fsync'ed into new/; only what fails goes to the queue.
    core::Result<std::string, std::error_code> deliver_here()
    {
        if (file_) {
            auto content = file_->read_content();
            if (!content)
                return core::fail(content.error());
            held_ = std::move(*content);
        }
        const std::string id = file_ ? file_->id() : mail::Spool::make_id(arrival_ * 1000000);
        mail::Envelope retry = envelope_;
        retry.rcpt_to.clear();
        for (const auto& rcpt : envelope_.rcpt_to)
            if (const auto ec = deliver_local(intake_.system_, intake_.exists_, envelope_.mail_from, rcpt, held_)) {
                spdlog::warn("smtp {}: to=<{}> local delivery failed ({}); queueing", id, rcpt, ec.message());
                retry.rcpt_to.push_back(rcpt);
            }
        spdlog::info("smtp {}: from=<{}> to {} local recipient{}, {} bytes", id, envelope_.mail_from,
                     envelope_.rcpt_to.size(), plural(envelope_.rcpt_to.size()), held_.size());
        if (retry.rcpt_to.empty())
            return id;  // a spool file written on the way is dropped with this sink
        file_.reset();
        return queue(retry);
    }

    // Into the spool, fsync'ed and renamed; then the agent delivers it.
    core::Result<std::string, std::error_code> queue(const mail::Envelope& envelope)
    {
        std::string id;
        std::error_code ec;
        std::size_t size = held_.size();
        if (file_) {
            ec = file_->commit();
            id = file_->id();
            size = file_->size();
        } else if (auto stored = intake_.spool_.store(envelope, held_, arrival_)) {
            id = *stored;
        } else {
            ec = stored.error();
        }
        if (ec) {
            spdlog::error("smtp: cannot queue a message from <{}>: {}", envelope.mail_from, ec.message());
            return core::fail(ec);
        }
        spdlog::info("smtp {}: from=<{}> queued for {} recipient{}, {} bytes", id, envelope.mail_from,
                     envelope.rcpt_to.size(), plural(envelope.rcpt_to.size()), size);
        // The spool's agent delivers it now (one that took over at a reload too).
        mail::Doorbell::ring(intake_.spool_.dir(), id);
        return id;
    }

    Intake& intake_;
    mail::Envelope envelope_;
    bool local_;
    std::int64_t arrival_;
    std::string held_;                      // the content while it is small
    std::unique_ptr<mail::Incoming> file_;  // then the spool file it is written into
};

Intake::Intake(mail::Spool& spool, const mail::System& system, MailboxExists exists,
               std::vector<std::string> local_domains)
    : spool_(spool), system_(system), exists_(std::move(exists)), local_domains_(std::move(local_domains))
{
}

bool Intake::all_local(const mail::Envelope& envelope) const
{
    return std::all_of(envelope.rcpt_to.begin(), envelope.rcpt_to.end(), [this](const std::string& rcpt) {
        const std::string domain = domain_of(rcpt);
        return std::find(local_domains_.begin(), local_domains_.end(), domain) != local_domains_.end();
    });
}

core::Result<std::unique_ptr<mail::MessageSink>, std::error_code> Intake::begin(const mail::Envelope& envelope)
{
    return std::unique_ptr<mail::MessageSink>(new Sink(*this, envelope, all_local(envelope)));
}

}  // namespace layer7::mail::delivery
