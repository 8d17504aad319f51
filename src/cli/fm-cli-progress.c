/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-cli-progress.c: a progress bar on a terminal, plain lines elsewhere */
#include <stdio.h>
#include <unistd.h>

#include "fm-cli.h"
#include "fm-format.h"

#define BAR_WIDTH 24

struct _FmCliProgress {
  FILE     *stream;
  gboolean  tty;
  char     *title;
  int       last_tenth;      /* plain mode: a line per 10 % */
  char     *last_status;
  gboolean  drawn;
};

FmCliProgress *
fm_cli_progress_new (FILE       *stream,
                     const char *title)
{
  FmCliProgress *progress = g_new0 (FmCliProgress, 1);

  progress->stream = stream;
  progress->tty = isatty (fileno (stream));
  progress->title = g_strdup (title);
  progress->last_tenth = -1;
  return progress;
}

void
fm_cli_progress_free (FmCliProgress *progress)
{
  if (progress == NULL)
    return;
  g_free (progress->title);
  g_free (progress->last_status);
  g_free (progress);
}

static void
draw_bar (FmCliProgress *progress,
          double         fraction,
          const char    *detail)
{
  char bar[BAR_WIDTH + 1];
  int filled = (int) (fraction * BAR_WIDTH + 0.5);

  for (int i = 0; i < BAR_WIDTH; i++)
    bar[i] = i < filled ? '#' : '-';
  bar[BAR_WIDTH] = '\0';
  fprintf (progress->stream, "\r\033[K[%s] %3d%%  %s", bar, (int) (fraction * 100), detail);
  fflush (progress->stream);
  progress->drawn = TRUE;
}

/* @status, when set, replaces the numbers ("waiting for the network"). */
void
fm_cli_progress_update (FmCliProgress *progress,
                        gint64         done,
                        gint64         total,
                        double         speed,
                        gint64         eta,
                        const char    *status)
{
  double fraction = total > 0 ? CLAMP ((double) done / (double) total, 0, 1) : 0;
  g_autofree char *numbers = fm_format_progress (done, total, speed, eta);
  int tenth = (int) (fraction * 10);

  if (progress->tty)
    {
      draw_bar (progress, fraction, status != NULL ? status : numbers);
      return;
    }
  if (status != NULL && g_strcmp0 (status, progress->last_status) != 0)
    fprintf (progress->stream, "%s: %s\n", progress->title, status);
  else if (status == NULL && tenth != progress->last_tenth)
    fprintf (progress->stream, "%s: %3d%%  %s\n", progress->title, (int) (fraction * 100), numbers);
  g_free (progress->last_status);
  progress->last_status = g_strdup (status);
  if (status == NULL)
    progress->last_tenth = tenth;
  fflush (progress->stream);
}

void
fm_cli_progress_finish (FmCliProgress *progress)
{
  if (progress->tty && progress->drawn)
    fputc ('\n', progress->stream);
  progress->drawn = FALSE;
  fflush (progress->stream);
}
