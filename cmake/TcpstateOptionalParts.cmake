# SPDX-License-Identifier: BSD-2-Clause
# Decide which optional parts of tcpstate get built. Included by the top-level
# CMakeLists.txt after the options are declared.
#
# Each of TCPSTATE_BUILD_TESTS / _EXAMPLES / _DOCS is ON, OFF or AUTO. AUTO
# builds the part when its tools are found and otherwise prints one line
# saying what was skipped and which Debian package brings the missing tool;
# ON makes a missing tool a configure error. Afterwards each variable is a
# plain ON or OFF (a normal variable shadowing the cache entry), which is what
# tests/ and examples/ test with if().
#
# Results for the subdirectories:
#   CRITERION_FOUND                         (tests)
#   TCPSTATE_PCAP_LIB                       (examples: a target giving libpcap)
#   DOXYGEN_EXECUTABLE                      (docs)

# _ts_part(PART FOUND WHAT PACKAGES): settle one part.
function(_ts_part part found what packages)
  set(mode "${TCPSTATE_BUILD_${part}}")
  string(TOUPPER "${mode}" mode)
  if(mode STREQUAL "AUTO")
    if(found)
      set(TCPSTATE_BUILD_${part} ON PARENT_SCOPE)
    else()
      message(STATUS "tcpstate: skipping ${what}: needs ${packages} "
                     "(or pass -DTCPSTATE_BUILD_${part}=OFF)")
      set(TCPSTATE_BUILD_${part} OFF PARENT_SCOPE)
    endif()
  elseif(mode)
    if(NOT found)
      message(FATAL_ERROR "tcpstate: TCPSTATE_BUILD_${part}=ON but ${what} needs ${packages}; "
                          "install it or configure with -DTCPSTATE_BUILD_${part}=OFF")
    endif()
    set(TCPSTATE_BUILD_${part} ON PARENT_SCOPE)
  else()
    set(TCPSTATE_BUILD_${part} OFF PARENT_SCOPE)
  endif()
endfunction()

function(_ts_wanted part out)
  string(TOUPPER "${TCPSTATE_BUILD_${part}}" mode)
  if(mode STREQUAL "AUTO" OR mode)
    set(${out} ON PARENT_SCOPE)
  else()
    set(${out} OFF PARENT_SCOPE)
  endif()
endfunction()

_ts_wanted(TESTS _ts_want_tests)
_ts_wanted(EXAMPLES _ts_want_examples)
_ts_wanted(DOCS _ts_want_docs)

if(_ts_want_tests OR _ts_want_examples)
  find_package(PkgConfig QUIET)
endif()

# ---------------------------------------------------------------- tests: Criterion
set(CRITERION_FOUND OFF)
if(TCPSTATE_CRITERION_SHIM)
  # Targets without a Criterion package build the suites against
  # tests/cross/criterion-shim (tests/cross/run.sh).
  set(CRITERION_FOUND ON)
elseif(_ts_want_tests AND PKG_CONFIG_FOUND)
  pkg_check_modules(CRITERION QUIET criterion)
endif()
if(PKG_CONFIG_FOUND)
  _ts_part(TESTS "${CRITERION_FOUND}" "the test suites (Criterion not found)"
           "the Debian package libcriterion-dev")
else()
  _ts_part(TESTS OFF "the test suites (pkg-config not found, so Criterion cannot be)"
           "the Debian packages pkg-config and libcriterion-dev")
endif()

# ---------------------------------------------------------------- examples: libpcap
# tcpstate-pcap and pcap_minimal need libpcap; firmware_static needs nothing,
# so the examples directory is entered either way when examples are wanted.
set(TCPSTATE_PCAP_LIB "")
if(_ts_want_examples)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(LIBPCAP QUIET IMPORTED_TARGET libpcap)
  endif()
  if(LIBPCAP_FOUND)
    set(TCPSTATE_PCAP_LIB PkgConfig::LIBPCAP)
  else()
    find_path(TCPSTATE_PCAP_INCLUDE_DIR pcap/pcap.h)
    find_library(TCPSTATE_PCAP_LIBRARY pcap)
    if(TCPSTATE_PCAP_INCLUDE_DIR AND TCPSTATE_PCAP_LIBRARY)
      add_library(tcpstate_libpcap INTERFACE)
      target_include_directories(tcpstate_libpcap INTERFACE ${TCPSTATE_PCAP_INCLUDE_DIR})
      target_link_libraries(tcpstate_libpcap INTERFACE ${TCPSTATE_PCAP_LIBRARY})
      set(TCPSTATE_PCAP_LIB tcpstate_libpcap)
    endif()
  endif()
endif()
if(TCPSTATE_PCAP_LIB)
  set(_ts_have_pcap ON)
else()
  set(_ts_have_pcap OFF)
endif()
string(TOUPPER "${TCPSTATE_BUILD_EXAMPLES}" _ts_ex_mode)
if(_ts_ex_mode STREQUAL "AUTO")
  # Only the libpcap examples are skipped; firmware_static is still built.
  if(NOT _ts_have_pcap)
    message(STATUS "tcpstate: skipping tcpstate-pcap and pcap_minimal (libpcap not found): "
                   "needs the Debian package libpcap-dev")
  endif()
  set(TCPSTATE_BUILD_EXAMPLES ON)
else()
  _ts_part(EXAMPLES "${_ts_have_pcap}" "tcpstate-pcap and pcap_minimal (libpcap not found)"
           "the Debian package libpcap-dev")
endif()

# ---------------------------------------------------------------- docs: Doxygen
set(_ts_have_doxygen OFF)
if(_ts_want_docs)
  find_package(Doxygen QUIET)
  if(DOXYGEN_FOUND)
    set(_ts_have_doxygen ON)
  endif()
endif()
_ts_part(DOCS "${_ts_have_doxygen}" "the 'docs' target (Doxygen not found)"
         "the Debian package doxygen")
