/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-download-job-private.h: what the files of FmDownloadJob share
 *
 *   fm-download-job.c       a run: requests, retries, pacing, progress ticks, ranges
 *   fm-download-job-info.c  getters and setters between runs
 */
#pragma once

#include <libsoup/soup.h>

#include "fm-download-job.h"
#include "fm-download-part.h"
#include "fm-download-ranges.h"

G_BEGIN_DECLS

struct _FmDownloadJob
{
  GObject        parent_instance;

  SoupSession   *session;
  SoupMessage   *msg;           /* of the request under way */
  char          *url;           /* the file's, as the server gave it */
  char          *current_url;   /* after this run's redirects */
  guint          redirects;
  FmDownloadPart part;          /* where it is written (fm-download-part.c) */
  char          *path;          /* final, once done */
  gint64         expected;      /* -1: unknown */
  gint64         margin;        /* bytes left free on the disk (fm-disk-space.h) */
  gint64         received;      /* bytes in the .part file */
  gboolean       restarted;
  FmRetryPolicy *retry;
  FmRetryState   retry_state;
  guint          retry_id;
  gulong         cancel_id;
  FmRateLimiter *limit;         /* the client's download limit, if set */
  guint          pace_id;       /* waiting for the limit before the next read */

  FmTransferFile *file;         /* what is downloaded, when known */
  GCancellable  *cancellable;   /* of the running run_async (fm_download_job_stop) */
  GTask         *task;          /* the running run_async */
  FmDownloadState state;
  GError        *error;         /* of the last run, if it failed */
  GInputStream  *input;
  GBytes        *block;
  double         speed;
  gint64         sample_time;
  gint64         sample_bytes;
  gint64         run_start;
  guint          tick_id;

  /* a big file over several connections (fm-download-ranges.c): this
   * job's own request fetches the first range, up to range_end */
  FmDownloadRanges *ranges;
  gint64         range_end;     /* -1: to the end of the file */
  gboolean       first_done;    /* the first range is in; waiting for the rest */
  GError        *range_error;   /* why the other ranges stopped this run */
  guint          ticks;
  guint          finish_id;
  guint          run;           /* counts runs: a write's answer names its run */
  gboolean       part_empty;    /* the .part was empty when opened */
};

gboolean _fm_download_job_is_ranged       (FmDownloadJob *self);
gint64   _fm_download_job_total_received  (FmDownloadJob *self);

G_END_DECLS
