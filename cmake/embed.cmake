# Writes INPUT into OUTPUT as a C++ string constant named SYMBOL, in NAMESPACE
# (default reconcile::embedded).
if(NOT NAMESPACE)
  set(NAMESPACE "reconcile::embedded")
endif()
file(READ "${INPUT}" content)
set(delim "RECONCILE_EMBED")
file(WRITE "${OUTPUT}" "#include <string_view>\nnamespace ${NAMESPACE} {\nextern const std::string_view ${SYMBOL};\nconst std::string_view ${SYMBOL} = R\"${delim}(${content})${delim}\";\n}\n")
