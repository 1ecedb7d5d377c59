/* parakh: the umbrella header. */
#ifndef PARAKH_H
#define PARAKH_H

#include "analyzer.h"
#include "finding.h"
#include "report.h"
#include "component.h"
#include "inventory.h"
#include "scan.h"
#include "status.h"
#include "types.h"
#include "vulndb.h"
#include "cbom.h"
#include "decide.h"
#include "geo.h"
#include "diff.h"
#include "tlog.h"
#include "cert.h"
#include "registry_store.h"

#endif
