// SpareStorage: see spare_storage.hpp.
#include "http/server/spare_storage.hpp"

#include <utility>

namespace layer7::http {

namespace {
const core::WorkerKey<SpareStorage> spare_storage_key;
}

SpareStorage& SpareStorage::of(core::WorkerSlots& worker)
{
    return worker.get(spare_storage_key);
}

Fields SpareStorage::take_fields()
{
    if (fields_.empty())
        return {};
    Fields f = std::move(fields_.back());
    fields_.pop_back();
    return f;
}

std::vector<BodyPiece> SpareStorage::take_body()
{
    if (bodies_.empty())
        return {};
    std::vector<BodyPiece> b = std::move(bodies_.back());
    bodies_.pop_back();
    return b;
}

Reply SpareStorage::take_reply()
{
    Reply r;
    r.response.fields = take_fields();
    r.body = take_body();
    return r;
}

void SpareStorage::give(Fields&& fields)
{
    if (fields_.size() == max_kept || fields.capacity_bytes() == 0 || fields.capacity_bytes() > max_fields_bytes)
        return;
    fields.clear();
    fields_.push_back(std::move(fields));
}

void SpareStorage::give(std::vector<BodyPiece>&& body)
{
    if (bodies_.size() == max_kept || body.capacity() == 0 || body.capacity() > 64)
        return;
    body.clear();  // lets go of the files and shared buffers the pieces held
    bodies_.push_back(std::move(body));
}

}  // namespace layer7::http
