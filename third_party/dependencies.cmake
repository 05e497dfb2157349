# Included from the top-level CMakeLists.txt. System packages only (no vendored sources). Each dependency is found here once, and a missing
# one stops the configure with a single line naming the Debian package that provides it
# (scripts/setup installs them all).

# neuro_require(<found-var> <what> <debian-package>)
function(neuro_require found what package)
  if(NOT ${found})
    message(FATAL_ERROR "neuroperf: ${what} not found: install Debian package '${package}' "
                        "(or run scripts/setup)")
  endif()
endfunction()

find_package(benchmark QUIET)
neuro_require(benchmark_FOUND "Google Benchmark" libbenchmark-dev)
find_package(GTest QUIET)
neuro_require(GTest_FOUND "GoogleTest" "libgtest-dev libgmock-dev")
find_package(Eigen3 3.3 QUIET NO_MODULE)
neuro_require(Eigen3_FOUND "Eigen3" libeigen3-dev)
find_package(PkgConfig QUIET)
neuro_require(PkgConfig_FOUND "pkg-config" pkg-config)
pkg_check_modules(FFTW3F QUIET IMPORTED_TARGET GLOBAL fftw3f)
neuro_require(FFTW3F_FOUND "FFTW3 (single precision)" libfftw3-dev)
find_package(Threads REQUIRED)
find_package(CURL QUIET)
neuro_require(CURL_FOUND "libcurl" libcurl4-openssl-dev)
find_package(PostgreSQL QUIET)
neuro_require(PostgreSQL_FOUND "PostgreSQL libpq" libpq-dev)
pkg_check_modules(HIREDIS QUIET IMPORTED_TARGET GLOBAL hiredis)
neuro_require(HIREDIS_FOUND "hiredis" libhiredis-dev)
find_package(nlohmann_json 3.10 QUIET)
neuro_require(nlohmann_json_FOUND "nlohmann_json" nlohmann-json3-dev)
find_package(Boost 1.74 QUIET)
neuro_require(Boost_FOUND "Boost (Asio, Beast)" libboost-dev)
find_package(CLI11 2.1 CONFIG QUIET)  # header-only: CLI11::CLI11 adds /usr/include/CLI
neuro_require(CLI11_FOUND "CLI11 (command-line parser, CLI/CLI.hpp)" libcli11-dev)
# The load runner reads captures and checks out of every JSON answer: simdjson validates and
# indexes a 700 KB answer in ~1.4 ms where nlohmann's DOM takes ~21 ms (2-vCPU Intel Xeon).
find_package(simdjson CONFIG QUIET)
neuro_require(simdjson_FOUND "simdjson" libsimdjson-dev)
find_package(yaml-cpp QUIET)
neuro_require(yaml-cpp_FOUND "yaml-cpp" libyaml-cpp-dev)
find_package(OpenMP QUIET COMPONENTS CXX)
neuro_require(OpenMP_CXX_FOUND "OpenMP (libgomp)" "g++")
find_package(Torch QUIET)
neuro_require(TORCH_FOUND "libtorch" libtorch-dev)

# Uniform names for the rest of the build.
add_library(neuro_fftw3f INTERFACE)
add_library(neuro::fftw3f ALIAS neuro_fftw3f)
target_link_libraries(neuro_fftw3f INTERFACE PkgConfig::FFTW3F)
add_library(neuro_hiredis INTERFACE)
add_library(neuro::hiredis ALIAS neuro_hiredis)
target_link_libraries(neuro_hiredis INTERFACE PkgConfig::HIREDIS)

# engine/video: Debian's FFmpeg libraries (demux, decode, encode for the test-video generator).
pkg_check_modules(FFMPEG QUIET IMPORTED_TARGET GLOBAL libavformat libavcodec libavutil)
neuro_require(FFMPEG_FOUND "FFmpeg (libavformat, libavcodec, libavutil)"
              "libavformat-dev libavcodec-dev libavutil-dev")
add_library(neuro_ffmpeg INTERFACE)
add_library(neuro::ffmpeg ALIAS neuro_ffmpeg)
target_link_libraries(neuro_ffmpeg INTERFACE PkgConfig::FFMPEG)
