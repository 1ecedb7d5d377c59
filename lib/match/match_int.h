/* The shared matcher: one vectorscan database for every analyzer's patterns.
 *
 * Analyzers add patterns during init through a pk_match_reg (one per analyzer,
 * so ids are the analyzer's own); the walk compiles once per scan, then opens a
 * stream per file and feeds it blocks as they are read once. Hits come back as
 * (analyzer index, the analyzer's pattern id, end offset).
 *
 * Ownership: the builder owns copies of the patterns; the matcher owns the
 * compiled database; a stream owns its scratch. The matcher is read-only and
 * shared by all threads once compiled; each stream is used by one thread. */
#ifndef PK_MATCH_MATCH_INT_H
#define PK_MATCH_MATCH_INT_H

#include <parakh/analyzer.h>

typedef struct pki_match_builder pki_match_builder;
typedef struct pki_matcher pki_matcher;
typedef struct pki_match_stream pki_match_stream;

typedef void (*pki_match_cb)(void *ctx, unsigned analyzer_ix, uint32_t pat, uint64_t end);

pki_match_builder *pki_match_builder_new(void);
/* The registration handle for analyzer number ix; owned by the builder. */
pk_match_reg *pki_match_builder_reg(pki_match_builder *b, unsigned ix);
void pki_match_builder_free(pki_match_builder *b);
/* The scan's analyzer options ("key=value", borrowed; pk_reg_option reads them). */
void pki_match_builder_options(pki_match_builder *b, const char *const *opts, size_t n);
/* What the last pk_reg_error said ("" if nothing). */
const char *pki_match_builder_error(const pki_match_builder *b);
/* Compiles every pattern added so far. On a bad pattern: PK_E_USAGE and the
 * pattern and vectorscan's reason in err. An empty builder gives a matcher
 * with no patterns (streams then do nothing). */
pk_status pki_match_compile(pki_match_builder *b, pki_matcher **out, char *err, size_t errlen);
size_t pki_match_npatterns(const pki_matcher *m);
void pki_match_free(pki_matcher *m);

pk_status pki_match_stream_open(const pki_matcher *m, pki_match_stream **out);
/* Feeds the next block; hits are delivered before it returns. */
pk_status pki_match_stream_feed(pki_match_stream *s, const uint8_t *p, size_t n, pki_match_cb cb,
                                void *ctx);
/* Ends the stream (end-anchored patterns fire here) and frees it. */
void pki_match_stream_close(pki_match_stream *s, pki_match_cb cb, void *ctx);

#endif
