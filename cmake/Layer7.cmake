# Shared build settings and helpers for every layer7 library, program and test.

add_library(layer7_options INTERFACE)
target_compile_options(layer7_options INTERFACE -Wall -Wextra -Wpedantic
    $<$<BOOL:${LAYER7_WERROR}>:-Werror>)
target_include_directories(layer7_options INTERFACE ${PROJECT_SOURCE_DIR}/src)
# GCC 12 with optimisation reports -Wrestrict and -Warray-bounds inside libstdc++'s own string and
# vector code that our calls inline (GCC bugs 105651, 107852: -Wrestrict, -Warray-bounds and
# -Wstringop-overread on vector::insert; gone in GCC 13), and -Wmaybe-uninitialized on the
# descriptor pointer inside asio's socket move when the socket's executor is io_context's own
# type (core::TcpSocket; asio sets it in every constructor): false positives that
# would fail a Release build under -Werror, so they are off there, and only there.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(layer7_options INTERFACE
        $<$<NOT:$<CONFIG:Debug>>:-Wno-restrict -Wno-array-bounds -Wno-stringop-overread -Wno-maybe-uninitialized>)
endif()
if(LAYER7_SANITIZE)
    target_compile_options(layer7_options INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    # Not position-independent: UBSan's per-check data puts ~9 million pointers in the layer7 binary,
    # and as a PIE each one is a relocation applied at every start: over half of the ~2 s of CPU that a
    # `layer7 …` process took before main(), and every interop test starts several. Linked at a fixed
    # address they cost nothing.
    target_link_options(layer7_options INTERFACE -fsanitize=address,undefined -no-pie)
endif()
if(LAYER7_FUZZ)
    target_compile_options(layer7_options INTERFACE -fsanitize=fuzzer-no-link,address,undefined)
    target_link_options(layer7_options INTERFACE -fsanitize=address,undefined)
endif()

# layer7_library(NAME [PURE] SOURCES... [DEPS targets...])
# One folder under src/ = one static library, or a pure core and its shells in a mixed folder;
# DEPS is its place in the layer graph. PURE (DESIGN.md §1: no asio, sockets, threads, clocks or
# files) is read by tools/check_layers.sh, which greps the library's sources and their headers and
# checks that it links only pure layer7 libraries.
function(layer7_library name)
    cmake_parse_arguments(ARG "PURE" "" "SOURCES;DEPS" ${ARGN})
    add_library(${name} STATIC ${ARG_SOURCES})
    target_link_libraries(${name} PUBLIC layer7_options ${ARG_DEPS})
endfunction()

# layer7_unit_test(NAME SOURCES... DEPS targets...): one GoogleTest binary, registered with ctest.
function(layer7_unit_test name)
    cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest_main GTest::gmock)
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
endfunction()

# layer7_fuzz_target(NAME SOURCE DEPS targets...): libFuzzer binary; ctest replays its corpus
# (tests/fuzz/corpus/NAME) and fuzzes on until 3 s have passed: a smoke run that every commit can
# afford (29 targets); libFuzzer replays every committed seed first, however long that takes. For a
# longer search run the binary in build/fuzz/tests/fuzz by hand with a larger -max_total_time.
function(layer7_fuzz_target name)
    cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE ${ARG_DEPS})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    add_dependencies(fuzz_targets ${name})
    # New inputs go to the build tree (the first directory), never into the committed seeds.
    set(found ${CMAKE_BINARY_DIR}/fuzz-found/${name})
    file(MAKE_DIRECTORY ${found})
    add_test(NAME fuzz.${name}
        COMMAND ${name} -max_total_time=3 -timeout=5 -rss_limit_mb=2048
            ${found} ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/${name})
    set_tests_properties(fuzz.${name} PROPERTIES LABELS fuzz)
endfunction()
