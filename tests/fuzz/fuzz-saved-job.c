/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-saved-job.c: libFuzzer target for saved upload jobs
 *
 * A saved job is read back at every start of the app and of `filemail
 * resume`: a damaged or planted file must give an error, never a crash,
 * an abort or a giant allocation. Built as a real fuzzer with
 * -Dfuzzers=true under clang (build-aux/fuzz); otherwise replayed over
 * saved-job-corpus/ by meson test.
 */
#include <stdint.h>

#include "fm-json.h"
#include "fm-upload-job.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static FmClient *client;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(FmUploadJob) job = NULL;
  g_autoptr(JsonObject) again = NULL;

  if (client == NULL)
    client = fm_client_new ("http://127.0.0.1:9", NULL);
  root = fm_json_parse_bounded ((const char *) data, size, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return 0;
  job = fm_upload_job_new_from_json (client, json_node_get_object (root), NULL);
  if (job == NULL)
    return 0;
  /* what loads must save again, and describe itself */
  again = fm_upload_job_to_json (job);
  g_free (fm_upload_job_dup_title (job));
  (void) fm_upload_job_get_fraction (job);
  (void) fm_upload_job_get_bytes_total (job);
  return 0;
}
