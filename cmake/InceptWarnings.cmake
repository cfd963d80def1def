# incept_warnings(target): warnings on and treated as errors in our own code.
function(incept_warnings target)
  target_compile_options(${target} PRIVATE
    "$<$<COMPILE_LANGUAGE:CXX>:-Wall;-Wextra;-Wpedantic;-Werror;-Wno-unused-parameter>")
endfunction()
