# Builds one man page: SOURCE (scdoc) with its "%include FILE" lines
# replaced by the files they name, through SCDOC into OUTPUT (roff), and
# OUTPUT.gz beside it (gzip -9n: no name or time inside, so builds repeat).
# cmake -DSOURCE=... -DSCDOC=... -DGZIP=... -DOUTPUT=... -P build_page.cmake
file(READ "${SOURCE}" text)
get_filename_component(directory "${SOURCE}" DIRECTORY)
string(REGEX MATCHALL "%include [^\n]+" includes "${text}")
foreach(line IN LISTS includes)
  string(REPLACE "%include " "" name "${line}")
  file(READ "${directory}/${name}" included)
  string(REPLACE "${line}" "${included}" text "${text}")
endforeach()
set(assembled "${OUTPUT}.scd")
file(WRITE "${assembled}" "${text}")
execute_process(COMMAND "${SCDOC}" INPUT_FILE "${assembled}" OUTPUT_FILE "${OUTPUT}" RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  file(REMOVE "${OUTPUT}")
  message(FATAL_ERROR "scdoc failed on ${SOURCE}")
endif()
execute_process(COMMAND "${GZIP}" -9nc INPUT_FILE "${OUTPUT}" OUTPUT_FILE "${OUTPUT}.gz" RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  file(REMOVE "${OUTPUT}.gz")
  message(FATAL_ERROR "gzip failed on ${OUTPUT}")
endif()
