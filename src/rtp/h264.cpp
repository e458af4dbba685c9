// H.264 over RTP: see h264.hpp.
#include "rtp/h264.hpp"

#include <cstdio>

#include "core/bytes/base64.hpp"

namespace layer7::rtp::h264 {

namespace {
constexpr std::string_view start_code{"\0\0\0\1", 4};

void append(std::string& out, std::span<const std::uint8_t> bytes)
{
    out.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}
}  // namespace

std::vector<std::vector<std::uint8_t>> packetize(std::span<const std::uint8_t> nal, std::size_t max_payload)
{
    std::vector<std::vector<std::uint8_t>> payloads;
    if (nal.empty())
        return payloads;
    if (nal.size() <= max_payload) {
        payloads.emplace_back(nal.begin(), nal.end());
        return payloads;
    }
    // FU-A: indicator keeps F and NRI with type 28; the FU header carries S, E and the NAL type.
    const std::uint8_t indicator = static_cast<std::uint8_t>((nal[0] & 0xe0) | fu_a);
    const std::uint8_t type = nal[0] & 0x1f;
    const std::size_t chunk = max_payload > 2 ? max_payload - 2 : 1;
    for (std::size_t at = 1; at < nal.size(); at += chunk) {
        const std::size_t n = std::min(chunk, nal.size() - at);
        std::vector<std::uint8_t> p;
        p.reserve(n + 2);
        p.push_back(indicator);
        std::uint8_t header = type;
        if (at == 1)
            header |= 0x80;  // S
        if (at + n == nal.size())
            header |= 0x40;  // E
        p.push_back(header);
        p.insert(p.end(), nal.begin() + static_cast<std::ptrdiff_t>(at),
                 nal.begin() + static_cast<std::ptrdiff_t>(at + n));
        payloads.push_back(std::move(p));
    }
    return payloads;
}

std::vector<std::span<const std::uint8_t>> split_annex_b(std::span<const std::uint8_t> s)
{
    std::vector<std::span<const std::uint8_t>> nals;
    std::size_t begin = std::string::npos;
    std::size_t i = 0;
    while (i + 3 <= s.size()) {
        if (s[i] == 0 && s[i + 1] == 0 && s[i + 2] == 1) {
            if (begin != std::string::npos) {
                std::size_t end = i;
                while (end > begin && s[end - 1] == 0)  // the leading zero of a 4-byte start code
                    --end;
                nals.push_back(s.subspan(begin, end - begin));
            }
            i += 3;
            begin = i;
        } else {
            ++i;
        }
    }
    if (begin != std::string::npos && begin < s.size())
        nals.push_back(s.subspan(begin));
    return nals;
}

bool Depacketizer::on_payload(std::span<const std::uint8_t> payload, bool gap, std::string& annex_b)
{
    if (gap) {
        fragment_.clear();
        in_fragment_ = false;
    }
    if (payload.empty())
        return false;
    const std::uint8_t type = payload[0] & 0x1f;
    if (type >= 1 && type <= 23) {
        annex_b += start_code;
        append(annex_b, payload);
        return true;
    }
    if (type == stap_a) {
        std::size_t at = 1;
        while (at + 2 <= payload.size()) {
            const std::size_t n = static_cast<std::size_t>(payload[at]) << 8 | payload[at + 1];
            at += 2;
            if (n == 0 || n > payload.size() - at)
                return false;
            annex_b += start_code;
            append(annex_b, payload.subspan(at, n));
            at += n;
        }
        return at == payload.size();
    }
    if (type == fu_a) {
        if (payload.size() < 2)
            return false;
        const std::uint8_t header = payload[1];
        if (header & 0x80) {  // S: the NAL header rebuilt from indicator and FU header
            fragment_.clear();
            fragment_.push_back(static_cast<char>((payload[0] & 0xe0) | (header & 0x1f)));
            in_fragment_ = true;
        } else if (!in_fragment_) {
            return true;  // the start was lost: skip to the next unit
        }
        append(fragment_, payload.subspan(2));
        if (header & 0x40) {  // E
            annex_b += start_code;
            annex_b += fragment_;
            fragment_.clear();
            in_fragment_ = false;
        }
        return true;
    }
    return false;  // STAP-B, MTAP, FU-B: interleaved mode, which we never negotiate
}

std::string fmtp(std::span<const std::uint8_t> sps, std::span<const std::uint8_t> pps)
{
    std::string line = "packetization-mode=1";
    if (sps.size() >= 4) {
        char level[7];
        std::snprintf(level, sizeof level, "%02X%02X%02X", sps[1], sps[2], sps[3]);
        line += ";profile-level-id=";
        line += level;
    }
    if (!sps.empty() && !pps.empty()) {
        line += ";sprop-parameter-sets=";
        line += core::base64_encode(sps);
        line += ',';
        line += core::base64_encode(pps);
    }
    return line;
}

std::string parameter_sets_annex_b(std::string_view fmtp_line)
{
    std::string out;
    const std::string_view key = "sprop-parameter-sets=";
    const auto at = fmtp_line.find(key);
    if (at == std::string_view::npos)
        return out;
    std::string_view sets = fmtp_line.substr(at + key.size());
    sets = sets.substr(0, sets.find(';'));
    while (!sets.empty()) {
        const auto comma = sets.find(',');
        auto decoded = core::base64_decode(sets.substr(0, comma));
        if (decoded && !decoded->empty()) {
            out += start_code;
            out.append(decoded->begin(), decoded->end());
        }
        if (comma == std::string_view::npos)
            break;
        sets.remove_prefix(comma + 1);
    }
    return out;
}

}  // namespace layer7::rtp::h264
