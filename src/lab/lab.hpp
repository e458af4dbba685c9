// `layer7 lab list | run NAME|all`: runs an experiment's servers and clients in this process, over
// the relay, and writes its report under the reports folder (DATA/lab by default, which
// `layer7 up` serves at /lab/): one folder per run and an index of all runs, newest first.
#pragma once

#include <ostream>
#include <string>

#include "lab/experiment.hpp"

namespace layer7::lab {

// The table of experiments: name and title.
void list(std::ostream& out);

struct RunOptions {
    Settings settings;
    std::string reports;  // the folder of runs (DATA/lab)
};

// Runs `name` (or every experiment for "all"); prints where each report went. Returns the
// exit status: 0, 1 when a run failed or was interrupted, 2 for an unknown name.
int run(const std::string& name, RunOptions options);

// Writes the index of the runs under `reports` (index.html), newest first.
void write_index(const std::string& reports);

}  // namespace layer7::lab
