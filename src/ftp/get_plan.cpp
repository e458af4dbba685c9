// How `layer7 ftp get` treats the local file: see get_plan.hpp.
#include "ftp/get_plan.hpp"

namespace layer7::ftp {

GetPlan plan_get(bool resume, const std::optional<FileFacts>& local, const FileFacts& remote)
{
    if (!resume)
        return GetPlan::whole_via_temporary;
    if (!local)
        return GetPlan::whole_into_file;
    if (!remote.size || !remote.mtime || !local->size || !local->mtime)
        return GetPlan::whole_via_temporary;
    if (*local->size > *remote.size || *local->mtime < *remote.mtime)
        return GetPlan::whole_via_temporary;
    return *local->size == *remote.size ? GetPlan::complete : GetPlan::resume;
}

}  // namespace layer7::ftp
