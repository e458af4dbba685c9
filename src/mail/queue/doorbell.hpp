// In-process notice that a message was stored in a spool: the delivery agent of that spool (the
// SMTP service) listens and delivers at once; another submitter in the same process (web mail)
// rings after its Spool::store(). With no listener the message waits in incoming/ until the
// agent's next start scans the spool (as after a crash).
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace layer7::mail {

class Doorbell {
public:
    using Listener = std::function<void(const std::string& id)>;
    // Registers `listener` for the spool directory `dir` until the returned handle is dropped.
    // The listener runs on the ringer's thread, under a lock: keep it short (Agent::wake posts).
    static std::shared_ptr<void> listen(const std::string& dir, Listener listener);
    // Tells the listener of `dir` that `id` was queued; false when nobody listens.
    static bool ring(const std::string& dir, const std::string& id);
};

}  // namespace layer7::mail
