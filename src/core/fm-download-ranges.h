/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-download-ranges.h: one file over several connections (see fm-download-ranges.c) */
#pragma once

#include <libsoup/soup.h>

#include "fm-download-part.h"
#include "fm-rate-limiter.h"
#include "fm-retry-policy.h"

G_BEGIN_DECLS

#define FM_DOWNLOAD_RANGES_MAX        4                 /* connections per file, as aria2c -x4 */
#define FM_DOWNLOAD_RANGES_MIN_SIZE   (8 * 1024 * 1024) /* smaller files: one stream */
#define FM_DOWNLOAD_RANGES_MIN_RANGE  (2 * 1024 * 1024)

typedef struct _FmDownloadRanges FmDownloadRanges;

/* All ranges after the first are in (@error NULL), or one failed for good
 * (@error set, owned by the callee; the others are stopped). */
typedef void (*FmDownloadRangesDone) (gpointer  owner,
                                      GError   *error);

FmDownloadRanges *fm_download_ranges_new         (FmDownloadPart     *part,
                                                  gint64              size);
void              fm_download_ranges_free        (FmDownloadRanges   *self);
typedef enum {
  FM_DOWNLOAD_RANGES_ABSENT,    /* no earlier ranged run */
  FM_DOWNLOAD_RANGES_LOADED,
  FM_DOWNLOAD_RANGES_INVALID,   /* a control file that cannot be trusted: the .part neither */
} FmDownloadRangesLoad;

FmDownloadRangesLoad fm_download_ranges_load     (FmDownloadRanges   *self);
void              fm_download_ranges_plan        (FmDownloadRanges   *self,
                                                  guint               n);
guint             fm_download_ranges_get_count   (FmDownloadRanges   *self);
gint64            fm_download_ranges_first_pos   (FmDownloadRanges   *self);
gint64            fm_download_ranges_first_end   (FmDownloadRanges   *self);
void              fm_download_ranges_set_first_pos (FmDownloadRanges *self,
                                                  gint64              pos);
gint64            fm_download_ranges_received    (FmDownloadRanges   *self);
gboolean          fm_download_ranges_rest_done   (FmDownloadRanges   *self);
void              fm_download_ranges_start       (FmDownloadRanges   *self,
                                                  SoupSession        *session,
                                                  const char         *url,
                                                  FmRateLimiter      *limit,
                                                  FmRetryPolicy      *retry,
                                                  GCancellable       *cancellable,
                                                  FmDownloadRangesDone done,
                                                  gpointer            owner);
gboolean          fm_download_ranges_is_started  (FmDownloadRanges   *self);
void              fm_download_ranges_stop        (FmDownloadRanges   *self);
gboolean          fm_download_ranges_save        (FmDownloadRanges   *self);
void              fm_download_ranges_forget      (FmDownloadRanges   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmDownloadRanges, fm_download_ranges_free)

G_END_DECLS
