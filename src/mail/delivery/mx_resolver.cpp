// MX and address lookups over libresolv: see mx_resolver.hpp. One res_state per call keeps the
// lookups thread-safe; answers are walked with ns_initparse/ns_parserr and names expanded with
// dn_expand, so no DNS parsing of our own is needed here.
#include "mail/delivery/mx_resolver.hpp"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>

#include <cstring>

namespace layer7::delivery {
namespace {

class SystemResolver final : public MxResolver {
public:
    explicit SystemResolver(std::optional<core::HostPort> server) : server_(std::move(server)) {}

    MxAnswer mx(const std::string& domain) override
    {
        MxAnswer out;
        std::vector<unsigned char> answer;
        out.status = query(domain, ns_t_mx, answer);
        if (out.status != LookupStatus::ok)
            return out;
        ns_msg msg;
        if (ns_initparse(answer.data(), static_cast<int>(answer.size()), &msg) < 0) {
            out.status = LookupStatus::temporary;
            return out;
        }
        for (int i = 0; i < ns_msg_count(msg, ns_s_an); ++i) {
            ns_rr rr;
            if (ns_parserr(&msg, ns_s_an, i, &rr) < 0 || ns_rr_type(rr) != ns_t_mx || ns_rr_rdlen(rr) < 3)
                continue;
            const unsigned char* rdata = ns_rr_rdata(rr);
            char name[NS_MAXDNAME];
            if (dn_expand(ns_msg_base(msg), ns_msg_end(msg), rdata + 2, name, sizeof name) < 0)
                continue;
            out.hosts.push_back({static_cast<std::uint16_t>(rdata[0] << 8 | rdata[1]), name[0] ? name : "."});
        }
        if (out.hosts.empty())
            out.status = LookupStatus::no_data;  // only CNAMEs or other types came back
        return out;
    }

    AddressAnswer addresses(const std::string& host) override
    {
        AddressAnswer out;
        if (!server_)
            return from_getaddrinfo(host);
        bool nodata = false;
        for (int type : {ns_t_a, ns_t_aaaa}) {
            std::vector<unsigned char> answer;
            const LookupStatus status = query(host, type, answer);
            if (status == LookupStatus::no_domain) {
                out.status = status;
                return out;
            }
            nodata = nodata || status == LookupStatus::no_data;
            ns_msg msg;
            if (status != LookupStatus::ok || ns_initparse(answer.data(), static_cast<int>(answer.size()), &msg) < 0)
                continue;
            for (int i = 0; i < ns_msg_count(msg, ns_s_an); ++i) {
                ns_rr rr;
                if (ns_parserr(&msg, ns_s_an, i, &rr) < 0 || ns_rr_type(rr) != type)
                    continue;
                char text[INET6_ADDRSTRLEN];
                const int family = type == ns_t_a ? AF_INET : AF_INET6;
                const std::size_t want = type == ns_t_a ? 4 : 16;
                if (ns_rr_rdlen(rr) == want && ::inet_ntop(family, ns_rr_rdata(rr), text, sizeof text))
                    out.addresses.emplace_back(text);
            }
        }
        out.status = !out.addresses.empty() ? LookupStatus::ok : nodata ? LookupStatus::no_data
                                                                        : LookupStatus::temporary;
        return out;
    }

private:
    LookupStatus query(const std::string& name, int type, std::vector<unsigned char>& answer)
    {
        struct __res_state state;
        std::memset(&state, 0, sizeof state);
        if (res_ninit(&state) != 0)
            return LookupStatus::temporary;
        if (server_) {
            sockaddr_in sin{};
            sin.sin_family = AF_INET;
            sin.sin_port = htons(server_->port);
            if (::inet_pton(AF_INET, server_->host == "localhost" ? "127.0.0.1" : server_->host.c_str(),
                            &sin.sin_addr) != 1) {
                res_nclose(&state);
                return LookupStatus::temporary;
            }
            state.nsaddr_list[0] = sin;
            state.nscount = 1;
        }
        state.retrans = 2;  // seconds; the agent retries the whole delivery later anyway
        state.retry = 2;
        answer.resize(65536);
        const int n = res_nquery(&state, name.c_str(), ns_c_in, type, answer.data(), static_cast<int>(answer.size()));
        const int herr = state.res_h_errno;
        res_nclose(&state);
        if (n >= 0) {
            answer.resize(static_cast<std::size_t>(n));
            return LookupStatus::ok;
        }
        switch (herr) {
        case HOST_NOT_FOUND:
            return LookupStatus::no_domain;
        case NO_DATA:
            return LookupStatus::no_data;
        default:
            return LookupStatus::temporary;
        }
    }

    static AddressAnswer from_getaddrinfo(const std::string& host)
    {
        AddressAnswer out;
        addrinfo hints{};
        hints.ai_socktype = SOCK_STREAM;
        addrinfo* list = nullptr;
        const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &list);
        if (rc != 0) {
            out.status = rc == EAI_NONAME ? LookupStatus::no_domain
                         : rc == EAI_NODATA ? LookupStatus::no_data : LookupStatus::temporary;
            return out;
        }
        std::vector<std::string> v6;
        for (addrinfo* a = list; a; a = a->ai_next) {
            char text[INET6_ADDRSTRLEN];
            const void* where = a->ai_family == AF_INET
                                    ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
                                    : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
            if ((a->ai_family == AF_INET || a->ai_family == AF_INET6) &&
                ::inet_ntop(a->ai_family, where, text, sizeof text))
                (a->ai_family == AF_INET ? out.addresses : v6).emplace_back(text);
        }
        ::freeaddrinfo(list);
        out.addresses.insert(out.addresses.end(), v6.begin(), v6.end());
        out.status = out.addresses.empty() ? LookupStatus::no_data : LookupStatus::ok;
        return out;
    }

    std::optional<core::HostPort> server_;
};

}  // namespace

std::unique_ptr<MxResolver> make_system_resolver(std::optional<core::HostPort> server)
{
    return std::make_unique<SystemResolver>(std::move(server));
}

}  // namespace layer7::delivery
