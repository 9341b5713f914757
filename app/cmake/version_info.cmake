# Writes version_info.cpp from src/version_info.cpp.in; run at every build
# (cmake -P, by the target `version_info` in CMakeLists.txt), so the commit
# a local build reports is the one it was built from, not the one it was
# configured at. configure_file rewrites the file only when its text changes:
# the same commit recompiles nothing, a new one recompiles this one file.
#
# In:  SOURCE_DIR, OUTPUT, APP_VERSION, APP_BUILD_TIME, APP_COMMIT (empty: ask
#      git, with "-dirty" when app/ has changes, as scripts/container/build.sh
#      tags images; the container build passes its GIT_SHA instead).
if(APP_COMMIT STREQUAL "")
  set(APP_COMMIT "unknown")
  find_package(Git QUIET)
  if(GIT_FOUND)
    execute_process(COMMAND "${GIT_EXECUTABLE}" rev-parse --short=12 HEAD
                    WORKING_DIRECTORY "${SOURCE_DIR}" RESULT_VARIABLE rc
                    OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(rc EQUAL 0 AND NOT commit STREQUAL "")
      set(APP_COMMIT "${commit}")
      # --no-optional-locks: a build must never take the index lock from a
      # commit running at the same time.
      execute_process(COMMAND "${GIT_EXECUTABLE}" --no-optional-locks status --porcelain -- .
                      WORKING_DIRECTORY "${SOURCE_DIR}" OUTPUT_VARIABLE changes ERROR_QUIET)
      if(NOT changes STREQUAL "")
        set(APP_COMMIT "${commit}-dirty")
      endif()
    endif()
  endif()
endif()
configure_file("${SOURCE_DIR}/src/version_info.cpp.in" "${OUTPUT}" @ONLY)
