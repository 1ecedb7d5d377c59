/* One line per analyzer, in run order: format parsers first, so they publish
 * facts before the analyzers that read them. registry.c includes this twice. */
PK_ANALYZER(elf)
PK_ANALYZER(pe)
PK_ANALYZER(macho)
PK_ANALYZER(embedded)
PK_ANALYZER(strings)
PK_ANALYZER(crypto)
/* inventory: package databases, manifests, build info, version banners */
PK_ANALYZER(dpkg)
PK_ANALYZER(rpm)
PK_ANALYZER(apk)
PK_ANALYZER(python)
PK_ANALYZER(npm)
PK_ANALYZER(java)
PK_ANALYZER(dotnet)
PK_ANALYZER(golang)
PK_ANALYZER(rust)
PK_ANALYZER(binsig)
