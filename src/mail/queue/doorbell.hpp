// In-process notice that a message was stored in a spool. The delivery agent of that spool listens
// and delivers at once; delivery::Intake, where the SMTP server and web mail submit, rings once a
// message is queued. With no listener the message waits in incoming/ until an
// agent's next start scans the spool (as after a crash).
//
// One listener per spool directory: a second agent on the same spool (a reload starting a new SMTP
// service) takes the bell over, and the one it replaces is told to stop, since two agents would
// deliver a message twice. Rings go by directory, not to an agent, so a connection still served by
// a retired service reaches the agent that took over.
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace layer7::mail {

class Doorbell {
public:
    struct Listener {
        std::function<void(const std::string& id)> ring;  // runs on the ringer's thread, under a lock: keep it short
        std::function<void()> replaced;                   // another listener took the bell; runs outside the lock
    };
    // Listens on the spool directory `dir` until the returned handle is dropped or another listen on
    // `dir` replaces it (whose `replaced` then runs, before this call returns).
    static std::shared_ptr<void> listen(const std::string& dir, Listener listener);
    // Tells the listener of `dir` that `id` was queued; false when nobody listens.
    static bool ring(const std::string& dir, const std::string& id);
};

}  // namespace layer7::mail
