/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-upload-job-private.h: what the three files of FmUploadJob share
 *
 *   fm-upload-job.c         the job's life: phases, states, controls, GObject
 *   fm-upload-job-chunks.c  the chunk pump: read + hash ahead, send, retry
 *   fm-upload-job-save.c    the saved JSON (versioned) and the one-owner lock
 *
 * Only these files include it.
 */
#pragma once

#include "fm-chunk-io.h"
#include "fm-chunk-sender.h"
#include "fm-upload-job.h"

G_BEGIN_DECLS

#define DEFAULT_PARALLEL   4
#define READ_AHEAD         1      /* reading + hashing 8 MiB takes ~15 ms, sending it ~30 ms */
#define MAX_READING        2      /* more hashing threads than cores only queue up */
#define TICK_MS            100     /* progress notifications: at most 10 per second */
#define CHUNK_ANSWER_MAX   (64 * 1024)
#define SPEED_ALPHA        0.15
#define SPEED_WARMUP_US    G_USEC_PER_SEC   /* no speed or ETA before a second of data */

struct _FmUploadJob
{
  GObject            parent_instance;

  char              *id;
  FmClient          *client;
  FmTransferOptions *options;
  GStrv              inputs;          /* paths still to scan, or NULL */
  GStrv              sources;         /* the paths as the user chose them, kept: Send Again */
  gboolean           had_password;    /* the password itself is forgotten after initialize */
  gboolean           held;            /* paused until a connection that is not metered */
  gboolean           unconfirmed;     /* saved by no one this installation knows: waits for the user */
  GPtrArray         *files;           /* FmUploadFile, NULL until scanned */
  FmTransferTicket  *ticket;
  char              *download_url;
  char              *refused_link;   /* what the server gave that is no web link, as text */
  GError            *error;
  FmUploadState      state;
  gint64             created;

  gint64             chunk_size;
  guint              parallel;
  FmRetryPolicy     *retry;
  GNetworkMonitor   *monitor;
  gulong             monitor_handler;
  FmBufferPool      *pool;

  /* the current run */
  guint              generation;
  GCancellable      *cancellable;
  guint              cursor_file;
  gint64             cursor_chunk;
  GQueue             ready;           /* Chunk: read and hashed, waiting to go */
  GQueue             retry_ready;     /* Chunk: backoff over, to be read again */
  GPtrArray         *waiting;         /* Chunk: in backoff */
  guint              n_reading;
  guint              n_sending;
  FmRetryState       api_retry;       /* initialize / complete */
  guint              api_timer;

  /* progress */
  gint64             bytes_total;
  gint64             bytes_acked;
  GPtrArray         *sending;         /* Chunk: on the wire; what they wrote counts as sent */
  gint64             chunks_total;
  gint64             chunks_acked;
  double             speed;
  gint64             sample_bytes;
  gint64             sample_time;
  gint64             run_start;
  gint64             shown_bytes;
  const char        *current_file;
  guint              tick_id;

  gulong             slot_handler;    /* the client's "upload-slot-freed" */
  guint              slot_idle;

  /* one process at a time: a lock on <lock_dir>/<id>.lock while this one owns it */
  char              *lock_dir;
  int                lock_fd;

  GPtrArray         *run_tasks;
};

typedef struct {
  FmUploadJob  *job;            /* strong: a chunk keeps its job alive */
  guint         generation;
  guint         file;
  gint64        index;
  gint64        offset;
  gint64        length;
  FmRetryState  retry;
  FmChunkData  *data;
  FmChunkPost  *post;     /* while sent: the request, which counts what went */
  guint         timer;
  char         *slot;           /* the upload host's slot this request holds */
} Chunk;


/* shared between the three files (internal) */
gboolean  _fm_upload_job_is_offline (FmUploadJob *self);
gboolean  _fm_upload_job_pool_released_cb (gpointer data);
void      _fm_upload_job_chunk_free (Chunk *chunk);
void      _fm_upload_job_complete (FmUploadJob *self);
void      _fm_upload_job_emit_changed (FmUploadJob *self);
gint64    _fm_upload_job_bytes_sent (FmUploadJob *self);
void      _fm_upload_job_emit_chunk_acked (FmUploadJob *self,
                                           guint        file,
                                           gint64       chunk);
void      _fm_upload_job_fail (FmUploadJob *self, GError *error);
void      _fm_upload_job_plan_files (FmUploadJob *self);
void      _fm_upload_job_pump (FmUploadJob *self);
void      _fm_upload_job_release_claim (FmUploadJob *self, gboolean remove);
void      _fm_upload_job_set_state (FmUploadJob *self, FmUploadState state);
void      _fm_upload_job_slot_freed_cb (FmUploadJob *self);
void      _fm_upload_job_stop_run (FmUploadJob *self);

G_END_DECLS
