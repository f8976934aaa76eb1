# Writes OUTPUT, a header with labgrade's version: VERSION (the CMake project's) and what
# `git describe` says of SOURCE_DIR, or "unknown" outside a git checkout (a source tarball).
# Run at every build; the file is rewritten only when its text changes, so that nothing is
# recompiled for nothing.
execute_process(
  COMMAND git -C "${SOURCE_DIR}" describe --tags --always --dirty
  OUTPUT_VARIABLE describe
  OUTPUT_STRIP_TRAILING_WHITESPACE
  ERROR_QUIET
  RESULT_VARIABLE failed)
if(failed OR describe STREQUAL "")
  set(describe "unknown")
endif()
set(text "// Written by cmake/version_header.cmake at build time: do not edit.\n#pragma once\n#define LABGRADE_VERSION \"${VERSION}\"\n#define LABGRADE_GIT_DESCRIBE \"${describe}\"\n")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUTPUT}" "${text}")
endif()
