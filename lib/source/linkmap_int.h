/* The symbolic links seen so far in one container, to tell whether a later
 * entry would be placed outside the extraction root by following them: the
 * symlink attack ("lnk -> /etc", then "lnk/passwd"), including chains
 * ("a -> b", "b -> /etc", then "a/passwd").
 *
 * Ownership: the map owns copies of names and targets; bounded by
 * PKI_LINKMAP_MAX_BYTES (links past it are not recorded). */
#ifndef PK_SOURCE_LINKMAP_INT_H
#define PK_SOURCE_LINKMAP_INT_H

#define PKI_LINKMAP_MAX_BYTES (16u << 20)

typedef struct pki_linkmap pki_linkmap;

pki_linkmap *pki_linkmap_new(void);
/* Records symlink `name` -> `target`. 0 recorded (or over the cap), -1 out of memory. */
int pki_linkmap_add(pki_linkmap *m, const char *name, const char *target);
/* 1 if an entry at `name`, with the recorded links on its way followed (its
 * last component is the entry itself and is not), lands outside the root. */
int pki_linkmap_escapes(const pki_linkmap *m, const char *name);
void pki_linkmap_free(pki_linkmap *m);

#endif
