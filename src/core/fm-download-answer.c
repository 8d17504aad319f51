/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-download-answer.c: what a file server meant when it sent no file
 *
 * A download URL that answers with Filemail's own error (4001 expired,
 * 4004 deleted, 4006 infected…) says so in its sentence, not as a size
 * mismatch. At most ANSWER_MAX bytes of it are read.
 */
#define G_LOG_DOMAIN "fm-download-answer"

#include <glib/gi18n-lib.h>

#include "fm-download-answer.h"
#include "fm-error.h"
#include "fm-response.h"

#define ANSWER_MAX (64 * 1024)

typedef struct {
  guint8      *buffer;
  guint        status;
  char        *name;
} Answer;

static void
answer_free (Answer *answer)
{
  g_free (answer->buffer);
  g_free (answer->name);
  g_free (answer);
}

/* An error status, or a JSON answer where a file of another size was
 * announced: its head tells what the server meant. */
gboolean
fm_download_answer_may_be_error (SoupMessage *msg,
                                 gint64       expected)
{
  guint status = soup_message_get_status (msg);
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  const char *type = soup_message_headers_get_content_type (headers, NULL);
  goffset length = soup_message_headers_get_content_length (headers);

  goffset start = 0, end = 0, total = -1;

  if (status != SOUP_STATUS_OK && status != SOUP_STATUS_PARTIAL_CONTENT)
    return TRUE;
  /* a short answer cut to the range asked for (libsoup's server does that
   * to any 200, an error answer too): its total is not the file's */
  if (status == SOUP_STATUS_PARTIAL_CONTENT)
    return type != NULL && g_str_has_suffix (type, "json") && expected >= 0 &&
           soup_message_headers_get_content_range (headers, &start, &end, &total) && total >= 0 && total != expected;
  return type != NULL && g_str_has_suffix (type, "json") &&
         (expected < 0 || length != expected) && expected != 0;
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Answer *answer = g_task_get_task_data (task);
  gsize size = 0;
  GError *error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) root = NULL;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &size, &error))
    {
      g_task_return_error (task, error);   /* a dropped connection: again */
      return;
    }
  body = g_bytes_new_take (g_steal_pointer (&answer->buffer), size);
  root = fm_response_parse (body, &error);
  if (error != NULL && error->domain == FM_ERROR && error->code < FM_ERROR_PROTOCOL)
    {
      g_task_return_error (task, error);   /* the server's word (4005 goes again) */
      return;
    }
  g_clear_error (&error);
  g_task_return_pointer (task,
                         answer->status == SOUP_STATUS_OK
                         ? g_error_new (FM_ERROR, FM_ERROR_DOWNLOAD_FAILED,
                                        _("“%s” cannot be downloaded: the server sent something else than the file."),
                                        answer->name)
                         : g_error_new (FM_ERROR, FM_ERROR_DOWNLOAD_FAILED, _("“%s” cannot be downloaded (HTTP %u %s)."),
                                        answer->name, answer->status, soup_status_get_phrase (answer->status)),
                         (GDestroyNotify) g_error_free);
}

void
fm_download_answer_read_async (GInputStream        *input,
                               SoupMessage         *msg,
                               const char          *name,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Answer *answer = g_new0 (Answer, 1);

  answer->buffer = g_malloc (ANSWER_MAX);
  answer->status = soup_message_get_status (msg);
  answer->name = g_strdup (name);
  g_task_set_task_data (task, answer, (GDestroyNotify) answer_free);
  g_input_stream_read_all_async (input, answer->buffer, ANSWER_MAX, G_PRIORITY_DEFAULT, cancellable, read_cb, task);
}

/* The error to report. *@retry: it is a transport failure or the server's
 * own word, which the job's retry rules judge; else it ends the run. */
GError *
fm_download_answer_read_finish (GAsyncResult *result,
                                gboolean     *retry)
{
  GError *error = NULL;
  GError *verdict = g_task_propagate_pointer (G_TASK (result), &error);

  *retry = error != NULL;
  return error != NULL ? error : verdict;
}
