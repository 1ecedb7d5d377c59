/* One line per analyzer, in run order: format parsers first, so they publish
 * facts before the analyzers that read them. registry.c includes this twice. */
PK_ANALYZER(elf)
PK_ANALYZER(pe)
PK_ANALYZER(macho)
PK_ANALYZER(embedded)
PK_ANALYZER(strings)
PK_ANALYZER(crypto)
