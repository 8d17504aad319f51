/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-transfer-views.c: Inbox and Outbox, in-process under Xvfb
 * (tests/run-with-display.sh), against an in-process local server whose
 * transfers are seeded (fm_test_server_seed) or made by the actions under
 * test. Every action goes through the UI's own dialogs and reaches the
 * server; the lists must then show the server's answer. */
#include <string.h>

#include <glib/gstdio.h>

#include "fm-application.h"
#include "fm-file-row.h"
#include "fm-list-cache.h"
#include "fm-operations-button.h"
#include "fm-test-app.h"
#include "fm-test-util.h"
#include "fm-transfer-file.h"
#include "fm-transfer-list.h"
#include "fm-transfer-view.h"
#include "fm-window.h"

static FmTestApp ui;

static gboolean
logged_in_cb (gpointer data)
{
  return fm_session_get_account_email (fm_application_get_session (ui.app)) != NULL;
}

static void
login_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  const char *email = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = fm_client_login_finish (FM_CLIENT (source), result, &error);

  g_assert_no_error (error);
  fm_session_set_account (fm_application_get_session (ui.app), email, token);
}

static void
log_in_as (const char *email, const char *password)
{
  fm_session_set_account (fm_application_get_session (ui.app), NULL, NULL);
  fm_client_login_async (fm_session_get_client (fm_application_get_session (ui.app)), email, password, NULL, login_cb, (gpointer) email);
  fm_test_spin_until (logged_in_cb, NULL);
}

static gboolean
list_settled (gpointer list)
{
  const char *state = fm_transfer_list_get_state (list);

  return !fm_transfer_list_is_loading (list) && (g_strcmp0 (state, "list") == 0 || g_strcmp0 (state, "empty") == 0 || g_strcmp0 (state, "error") == 0);
}

static gboolean
server_knows_recipient (const char *id,
                        const char *address)
{
  g_autofree char *text = fm_test_server_get_stats (ui.server);
  g_autoptr(JsonNode) root = json_from_string (text, NULL);
  JsonObject *t = json_object_get_object_member (json_object_get_object_member (json_node_get_object (root),
                                                                                "transfer_details"), id);
  JsonArray *to = json_object_get_array_member (t, "to");

  for (guint i = 0; i < json_array_get_length (to); i++)
    if (g_str_equal (json_array_get_string_element (to, i), address))
      return TRUE;
  return FALSE;
}

static JsonObject *
server_details (const char *id)
{
  g_autofree char *text = fm_test_server_get_stats (ui.server);
  g_autoptr(JsonNode) root = json_from_string (text, NULL);
  JsonObject *all = json_object_get_object_member (json_node_get_object (root), "transfer_details");

  return json_object_ref (json_object_get_object_member (all, id));
}

/* The first button (or other actionable) in @widget's tree bound to @action. */
static GtkWidget *
find_actionable (GtkWidget  *widget,
                 const char *action)
{
  if (GTK_IS_ACTIONABLE (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_actionable (child, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static char *
last_update_fields (void)
{
  static char fields[128];
  g_autofree char *text = fm_test_server_get_stats (ui.server);
  g_autoptr(JsonNode) root = json_from_string (text, NULL);

  g_strlcpy (fields, json_object_get_string_member (json_node_get_object (root), "last_update"), sizeof fields);
  return fields;
}

static gboolean
details_idle (gpointer list)
{
  return fm_transfer_list_details_settled (list);
}

static FmTransferList *
open_list (gboolean sent)
{
  FmTransferList *list = fm_window_get_transfer_list (ui.window, sent);

  fm_window_show_page (ui.window, sent ? "outbox" : "inbox");
  fm_transfer_list_refresh (list);
  fm_test_spin_until (list_settled, list);
  return list;
}

static FmTransfer *
shown_item (FmTransferList *list, guint i)
{
  g_autoptr(FmTransfer) t = g_list_model_get_item (fm_transfer_list_get_shown (list), i);

  return t;   /* the list keeps it alive */
}

static guint
find_subject (FmTransferList *list, const char *subject)
{
  GListModel *shown = fm_transfer_list_get_shown (list);

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    if (g_strcmp0 (fm_transfer_get_subject (shown_item (list, i)), subject) == 0)
      return i;
  g_assert_not_reached ();
}

static gboolean
view_settled (gpointer view)
{
  const char *state = fm_transfer_view_get_state (view);

  return !fm_transfer_view_is_busy (view) &&
         (g_strcmp0 (state, "detail") == 0 || g_strcmp0 (state, "password") == 0 ||
          g_strcmp0 (state, "error") == 0 || g_strcmp0 (state, "none") == 0);
}

static FmTransferView *
open_transfer (FmTransferList *list, const char *subject)
{
  FmTransferView *view = fm_transfer_list_get_view (list);

  fm_transfer_list_select (list, find_subject (list, subject));
  fm_test_spin_until (view_settled, view);
  return view;
}

static FmFileRow *
file_row (FmTransferView *view, guint i)
{
  return fm_test_file_row (view, i);
}

static void
answer (AdwMessageDialog *dialog, const char *response, FmTransferView *view)
{
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, response));
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  fm_test_spin_until (view_settled, view);
  g_assert_null (fm_transfer_view_get_error (view));
}

static gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
      g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;
  return FALSE;
}

static gboolean
has_button_label (GtkWidget  *widget,
                  const char *text)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_get_visible (widget) &&
      g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (has_button_label (child, text))
      return TRUE;
  return FALSE;
}

static gboolean
has_label_ending (GtkWidget  *widget,
                  const char *end)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
      g_str_has_suffix (gtk_label_get_label (GTK_LABEL (widget)), end))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (has_label_ending (child, end))
      return TRUE;
  return FALSE;
}

/* data: { widget, end of a label's text } */
static gboolean
shows_label_ending (gpointer data)
{
  return has_label_ending (((gpointer *) data)[0], ((gpointer *) data)[1]);
}

/* data: { widget, text } */
static gboolean
shows_label (gpointer data)
{
  return has_label (((gpointer *) data)[0], ((gpointer *) data)[1]);
}

static gboolean
view_subject_is (gpointer data)
{
  FmTransferView *view = ((gpointer *) data)[0];
  FmTransfer *t = fm_transfer_view_get_transfer (view);

  return t != NULL && g_strcmp0 (fm_transfer_get_subject (t), ((gpointer *) data)[1]) == 0;
}

/* ------------------------------------------------------------------- */

/* received/get answers with dates in seconds and the status under
 * "responsestatus" (the reference's example); the list reads both. */
static void
test_inbox_fills_sorts_and_searches (void)
{
  FmTransferList *inbox;
  GListModel *shown;
  guint n;

  log_in_as ("bob@example.com", "bob-password");
  inbox = open_list (FALSE);
  g_assert_cmpstr (fm_transfer_list_get_state (inbox), ==, "list");
  shown = fm_transfer_list_get_shown (inbox);
  n = g_list_model_get_n_items (shown);
  g_assert_cmpuint (n, ==, 4);
  for (guint i = 1; i < n; i++)    /* newest first */
    g_assert_cmpint (fm_transfer_get_sent_date (shown_item (inbox, i - 1)), >=,
                     fm_transfer_get_sent_date (shown_item (inbox, i)));
  g_assert_cmpint (fm_transfer_get_sent_date (shown_item (inbox, 0)), >, 1700000000);
  g_assert_cmpint (fm_transfer_get_sent_date (shown_item (inbox, 0)), <, 1700000000000);

  /* received/get items have no sender, size or files: the rows on screen
   * ask transfer/get, at most 4 at once, once each */
  fm_test_spin_until (details_idle, inbox);
  g_assert_cmpuint (fm_details_loader_get_requests (fm_transfer_list_get_details_loader (inbox)), ==, 4);
  g_assert_cmpuint (fm_details_loader_get_max_in_flight (fm_transfer_list_get_details_loader (inbox)), <=, 4);
  for (guint i = 0; i < n; i++)
    {
      FmTransfer *t = shown_item (inbox, i);

      if (strstr (fm_transfer_get_subject (t), "Secret") != NULL)
        continue;   /* password-protected: transfer/get says 4002 */
      g_assert_true (fm_transfer_get_details_loaded (t));
      g_assert_cmpstr (fm_transfer_get_from (t), ==, "alice@example.com");
      g_assert_cmpint (fm_transfer_get_size (t), >, 0);
      g_assert_cmpuint (fm_transfer_get_n_files (t), ==, 1);
    }

  fm_transfer_list_set_search (inbox, "HOLIDAY 1");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 1);
  fm_transfer_list_set_search (inbox, "alice@");
  /* the password-protected one never told its sender */
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 3);
  fm_transfer_list_set_search (inbox, "nobody");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 0);
  fm_transfer_list_set_search (inbox, "");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 4);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (inbox), "list.all-users", NULL));
  fm_test_spin_until (list_settled, inbox);
  /* bob is no company administrator: the server's sentence */
  g_assert_cmpstr (fm_transfer_list_get_state (inbox), ==, "error");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (inbox), "list.all-users", NULL));
  fm_test_spin_until (list_settled, inbox);
  g_assert_cmpstr (fm_transfer_list_get_state (inbox), ==, "list");
}

static gboolean
row_finished (gpointer row)
{
  FmFileRowState state = fm_file_row_get_state (row);

  return state == FM_FILE_ROW_DONE || state == FM_FILE_ROW_FAILED;
}

static gboolean
focus_in_row (gpointer row)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (ui.window));

  return focus != NULL && gtk_widget_is_ancestor (focus, row);
}

static void
test_detail_and_download (void)
{
  FmTransferList *inbox = open_list (FALSE);
  FmTransferView *view = open_transfer (inbox, "Holiday 2");
  g_autofree char *folder = g_build_filename (ui.root, "Downloads", NULL);
  g_autofree char *first = NULL, *again = NULL, *contents = NULL;
  FmFileRow *row;

  g_assert_cmpstr (fm_transfer_view_get_state (view), ==, "detail");
  g_assert_cmpuint (g_list_model_get_n_items (fm_transfer_get_files (fm_transfer_view_get_transfer (view))), ==, 1);
  g_settings_set_string (fm_application_get_settings (ui.app), "download-folder", folder);
  row = file_row (view, 0);
  /* as a click leaves it: the focus on Download All */
  g_assert_true (gtk_widget_grab_focus (fm_transfer_view_get_download_all_button (view)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "view.download-all", NULL));
  g_assert_cmpint (fm_file_row_get_state (row), ==, FM_FILE_ROW_DOWNLOADING);
  fm_test_spin_until (row_finished, row);
  g_assert_cmpint (fm_file_row_get_state (row), ==, FM_FILE_ROW_DONE);
  /* the button went insensitive: the focus is on the file's Open, not
   * lost, and the toast says how many with the way to their folder */
  fm_test_spin_until (focus_in_row, row);
  {
    GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (ui.window));

    g_assert_true (GTK_IS_BUTTON (focus) && gtk_widget_is_ancestor (focus, GTK_WIDGET (row)));
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (focus)))), ==, "_Open");
    g_assert_true (has_label (GTK_WIDGET (ui.window), "1 file saved"));
    g_assert_true (has_button_label (GTK_WIDGET (ui.window), "_Open Folder"));
  }
  first = g_build_filename (folder, "file-2.txt", NULL);
  g_assert_cmpstr (fm_file_row_get_saved_path (row), ==, first);
  g_assert_true (g_file_get_contents (first, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "seed 2\n");
  /* every file saved: Download All says so and offers nothing more */
  g_assert_false (gtk_widget_is_sensitive (fm_transfer_view_get_download_all_button (view)));

  /* a second download never overwrites the first; the connection drops
   * halfway and the download continues from where it stopped (Range) */
  fm_test_server_configure (ui.server, "download_drops", "1", NULL);
  fm_file_row_download (row);
  fm_test_spin_until (row_finished, row);
  g_assert_cmpint (fm_file_row_get_state (row), ==, FM_FILE_ROW_DONE);
  again = g_build_filename (folder, "file-2 (1).txt", NULL);
  g_assert_cmpstr (fm_file_row_get_saved_path (row), ==, again);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (again, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "seed 2\n");
  g_assert_true (g_file_test (first, G_FILE_TEST_EXISTS));
  /* the Downloads list has it, once (the second attempt replaced the first) */
  g_assert_cmpuint (g_list_model_get_n_items (fm_session_get_downloads (fm_application_get_session (ui.app))), ==, 1);
  fm_test_screenshot ("inbox.png");
}

static gboolean
download_done (gpointer job)
{
  return fm_download_job_get_state (job) == FM_DOWNLOAD_STATE_DONE;
}

/* A download belongs to the application: it goes on while another
 * transfer is open, and its transfer shows it again when reopened. */
static gboolean
header_shows (gpointer data)
{
  GtkWidget *window = ((gpointer *) data)[0];
  const char *title = ((gpointer *) data)[1];
  GtkWidget *back = find_actionable (window, "win.back");
  AdwViewSwitcherTitle *switcher = NULL;

  for (GtkWidget *w = gtk_widget_get_first_child (window); w != NULL && switcher == NULL; )
    {
      if (ADW_IS_VIEW_SWITCHER_TITLE (w))
        switcher = ADW_VIEW_SWITCHER_TITLE (w);
      else if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != NULL && gtk_widget_get_next_sibling (w) == NULL)
            w = gtk_widget_get_parent (w);
          w = w != NULL ? gtk_widget_get_next_sibling (w) : NULL;
        }
    }
  g_assert_nonnull (switcher);
  if (title == NULL)
    return !gtk_widget_get_visible (back) && adw_view_switcher_title_get_view_switcher_enabled (switcher);
  return gtk_widget_get_mapped (back) && !adw_view_switcher_title_get_view_switcher_enabled (switcher) &&
         g_strcmp0 (adw_view_switcher_title_get_title (switcher), title) == 0;
}

static int
list_width (gpointer list)
{
  GtkWidget *w = GTK_WIDGET (list);

  /* the list view inside the list pane */
  while (w != NULL && !GTK_IS_LIST_VIEW (w))
    {
      GtkWidget *next = gtk_widget_get_first_child (w);

      while (next == NULL && w != NULL)
        {
          next = gtk_widget_get_next_sibling (w);
          if (next == NULL)
            w = gtk_widget_get_parent (w);
        }
      w = next;
    }
  return w != NULL ? gtk_widget_get_width (w) : -1;
}

static gboolean
list_at_least (gpointer data)
{
  return list_width (((gpointer *) data)[0]) >= GPOINTER_TO_INT (((gpointer *) data)[1]);
}

/* A shown window keeps its size when only its default size changes: the
 * X server resizes it, as a user dragging its edge would. */
static void
resize_window (int width,
               int height)
{
  g_autofree char *command = g_strdup_printf ("xdotool search --name '^Filemail$' windowsize %d %d", width, height);
  int status = 0;

  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);
}

/* Wide, the list pane grows with the window (rows are not cut at 1280
 * px); narrow, a transfer takes the window and the header shows the way
 * back and the transfer's subject, not "Filemail". */
static void
test_pane_and_narrow_header (void)
{
  FmTransferList *inbox = open_list (FALSE);
  gpointer data[2];

  resize_window (1280, 760);
  data[0] = inbox;
  data[1] = GINT_TO_POINTER (420);
  fm_test_spin_until (list_at_least, data);
  g_test_message ("list pane at 1280 px: %d px", list_width (inbox));
  open_transfer (inbox, "Holiday 2");
  data[0] = ui.window;
  data[1] = NULL;
  g_assert_true (header_shows (data));        /* wide: the view switcher, no back button */

  resize_window (360, 700);
  fm_transfer_list_select (inbox, GTK_INVALID_LIST_POSITION);
  open_transfer (inbox, "Holiday 2");
  data[1] = (gpointer) "Holiday 2";
  fm_test_spin_until (header_shows, data);
  fm_test_screenshot ("inbox-narrow-detail.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.back", NULL));
  data[1] = NULL;
  fm_test_spin_until (header_shows, data);
  resize_window (1100, 760);
}

static void
test_download_outlives_the_view (void)
{
  FmTransferList *inbox = open_list (FALSE);
  FmTransferView *view = open_transfer (inbox, "Holiday 1");
  FmTransferFile *file = fm_file_row_get_file (file_row (view, 0));
  FmDownloadJob *job;

  fm_test_server_configure (ui.server, "slow_ms", "400", NULL);
  fm_file_row_download (file_row (view, 0));
  g_assert_cmpint (fm_file_row_get_state (file_row (view, 0)), ==, FM_FILE_ROW_DOWNLOADING);
  job = g_object_ref (fm_session_find_download (fm_application_get_session (ui.app), file));
  /* nothing selected: the file rows are gone, the download is not */
  fm_transfer_list_select (inbox, GTK_INVALID_LIST_POSITION);
  g_assert_cmpstr (fm_transfer_view_get_state (view), ==, "none");
  g_assert_null (fm_transfer_view_get_file_row (view, 0));
  g_assert_cmpint (fm_download_job_get_state (job), ==, FM_DOWNLOAD_STATE_RUNNING);
  fm_test_spin_until (download_done, job);
  fm_test_server_configure (ui.server, "slow_ms", "0", NULL);
  /* file-2 was downloaded before: its row says so */
  open_transfer (inbox, "Holiday 2");
  g_assert_cmpint (fm_file_row_get_state (file_row (view, 0)), ==, FM_FILE_ROW_DONE);
  g_assert_true (g_str_has_suffix (fm_download_job_get_path (job), "/file-1.txt"));
  g_assert_cmpuint (g_list_model_get_n_items (fm_session_get_downloads (fm_application_get_session (ui.app))), ==, 2);
  open_transfer (inbox, "Holiday 1");
  g_assert_cmpint (fm_file_row_get_state (file_row (view, 0)), ==, FM_FILE_ROW_DONE);
  g_object_unref (job);

  /* the header's operations button lists both */
  {
    GtkWidget *ops = fm_test_find (GTK_WIDGET (ui.window), FM_TYPE_OPERATIONS_BUTTON);
    GtkWidget *button = GTK_WIDGET (fm_operations_button_get_button (FM_OPERATIONS_BUTTON (ops)));

    g_assert_true (GTK_IS_MENU_BUTTON (button));
    g_assert_true (gtk_widget_is_visible (button));
    gtk_menu_button_popup (GTK_MENU_BUTTON (button));
    fm_test_screenshot ("downloads.png");
    gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
  }
}

/* 4002 PasswordRequired: the view asks, and says when it is wrong. */
static void
test_password_prompt (void)
{
  FmTransferList *inbox = open_list (FALSE);
  FmTransferView *view = open_transfer (inbox, "Secret 0");

  g_assert_cmpstr (fm_transfer_view_get_state (view), ==, "password");
  fm_transfer_view_unlock (view, "wrong");
  fm_test_spin_until (view_settled, view);
  g_assert_cmpstr (fm_transfer_view_get_state (view), ==, "password");
  g_assert_nonnull (fm_transfer_view_get_error (view));
  fm_transfer_view_unlock (view, "sesame");
  fm_test_spin_until (view_settled, view);
  g_assert_cmpstr (fm_transfer_view_get_state (view), ==, "detail");
  g_assert_cmpstr (fm_transfer_file_get_filename (fm_file_row_get_file (file_row (view, 0))), ==, "file-0.txt");
}

/* A server's file name is never a path of its own: its folders are kept
 * (a folder upload comes down as folders), each one made safe, and every
 * file lands inside the download folder with the bytes the server has. */
static void
test_hostile_names (void)
{
  const char *names[] = { "../../.bashrc", "/etc/passwd", "a/b", "CON", "line\nbreak.txt", "..", "\x01\x7f" };
  g_autofree char *folder = g_build_filename (ui.root, "Hostile", NULL);
  FmTransferList *inbox;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *subject = g_strdup_printf ("Hostile %u", i);

      g_assert_true (fm_test_server_seed (ui.server, "carol@example.com", "bob@example.com", 1, subject, NULL,
                                          names[i], NULL));
    }
  g_settings_set_string (fm_application_get_settings (ui.app), "download-folder", folder);
  inbox = open_list (FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *subject = g_strdup_printf ("Hostile %u 0", i);
      FmTransferView *view = open_transfer (inbox, subject);
      FmFileRow *row = file_row (view, 0);
      g_autofree char *dir = NULL, *base = NULL, *contents = NULL, *escaped = NULL;

      fm_file_row_download (row);
      fm_test_spin_until (row_finished, row);
      g_assert_cmpint (fm_file_row_get_state (row), ==, FM_FILE_ROW_DONE);
      dir = g_path_get_dirname (fm_file_row_get_saved_path (row));
      base = g_path_get_basename (fm_file_row_get_saved_path (row));
      escaped = g_strescape (names[i], NULL);
      g_test_message ("%s -> %s", escaped, base);
      g_assert_true (g_str_equal (dir, folder) ||
                     (g_str_has_prefix (dir, folder) && dir[strlen (folder)] == G_DIR_SEPARATOR));
      {
        /* below it, only plain visible names: no "..", no hidden folder */
        g_auto(GStrv) below = g_strsplit (dir + strlen (folder), G_DIR_SEPARATOR_S, -1);

        for (guint k = 0; below[k] != NULL; k++)
          g_assert_true (*below[k] == '\0' || (below[k][0] != '.' && strpbrk (below[k], "\n\r\x01\x7f") == NULL));
      }
      g_assert_null (strpbrk (base, "/\n\r\x01\x7f"));
      g_assert_false (base[0] == '.');
      g_assert_true (g_file_get_contents (fm_file_row_get_saved_path (row), &contents, NULL, NULL));
      g_assert_cmpstr (contents, ==, "seed 0\n");
    }
  g_assert_false (g_file_test ("/etc/passwd.part", G_FILE_TEST_EXISTS));
}

/* An upload under way stands above the sent transfers until it is sent
 * or given up. */
static void
outbox_shows_unfinished_uploads (FmTransferList *outbox)
{
  g_autoptr(FmTransferOptions) options = fm_transfer_options_new ();
  g_autofree char *path = g_build_filename (ui.root, "draft.txt", NULL);
  const char *paths[] = { path, NULL };
  g_autoptr(FmUploadJob) job = NULL;
  GListModel *uploads = fm_transfer_list_get_uploads (outbox);

  g_assert_true (g_file_set_contents (path, "draft", -1, NULL));
  job = fm_upload_job_new (fm_session_get_client (fm_application_get_session (ui.app)), options, paths);
  g_assert_cmpuint (g_list_model_get_n_items (uploads), ==, 0);
  fm_upload_queue_add (fm_session_get_queue (fm_application_get_session (ui.app)), job);
  fm_upload_job_pause (job);
  g_assert_cmpuint (g_list_model_get_n_items (uploads), ==, 1);
  fm_upload_job_cancel (job);
  g_assert_cmpuint (g_list_model_get_n_items (uploads), ==, 0);
  fm_upload_queue_remove (fm_session_get_queue (fm_application_get_session (ui.app)), job);
}

static void
test_outbox_forward_edit (void)
{
  FmTransferList *outbox;
  FmTransferView *view;
  AdwMessageDialog *dialog;
  GtkWidget *entry, *form, *rows;
  const char * const *to;
  gpointer data[2];
  gint64 days_left;

  log_in_as ("alice@example.com", "alice-password");
  outbox = open_list (TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (fm_transfer_list_get_shown (outbox)), ==, 4);
  outbox_shows_unfinished_uploads (outbox);
  view = open_transfer (outbox, "Holiday 1");

  /* a sender's page: Copy Link is the one suggested action, with the QR
   * code and the link beside it; the rest is in the menu */
  {
    GtkWidget *copy = find_actionable (GTK_WIDGET (view), "view.copy-link");

    g_assert_true (gtk_widget_get_mapped (copy) && gtk_widget_has_css_class (copy, "suggested-action"));
    g_assert_true (gtk_widget_get_mapped (find_actionable (GTK_WIDGET (view), "view.show-qr")));
    g_assert_false (gtk_widget_get_mapped (fm_transfer_view_get_download_all_button (view)));
    g_assert_null (find_actionable (GTK_WIDGET (view), "view.delete"));     /* no red button in the page */
    g_assert_true (has_label_ending (GTK_WIDGET (view), "/d/" ) ||
                   has_label (GTK_WIDGET (view), fm_transfer_get_url (fm_transfer_view_get_transfer (view))));
  }

  /* Forward: the address is checked before the button works */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "view.forward", NULL));
  dialog = fm_test_open_dialog ();
  entry = adw_message_dialog_get_extra_child (dialog);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "forward"));
  gtk_editable_set_text (GTK_EDITABLE (entry), "carol@example.com, not-an-address");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "forward"));
  gtk_editable_set_text (GTK_EDITABLE (entry), "carol@example.com");
  answer (dialog, "forward", view);
  /* seeded on the server, not sent from here: its recipients are the
   * server's to know (the API never says), and the server has carol now */
  to = fm_transfer_get_to (fm_transfer_view_get_transfer (view));
  g_assert_false (fm_transfer_get_recipients_known (fm_transfer_view_get_transfer (view)));
  g_assert_null (to[0]);
  g_assert_true (server_knows_recipient (fm_transfer_get_id (fm_transfer_view_get_transfer (view)),
                                         "carol@example.com"));

  /* Edit: subject and 30 more days */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "view.edit", NULL));
  dialog = fm_test_open_dialog ();
  form = adw_message_dialog_get_extra_child (dialog);
  rows = gtk_widget_get_first_child (form);
  entry = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (rows), 0));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "Holiday 1");
  gtk_editable_set_text (GTK_EDITABLE (entry), "Holiday photos, final");
  {
    GtkWidget *days_row = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (rows), 1));
    GtkWidget *spin = NULL;

    for (GtkWidget *w = days_row; w != NULL && spin == NULL; )
      {
        /* depth-first to the spin button inside the row */
        if (GTK_IS_SPIN_BUTTON (w))
          spin = w;
        else if (gtk_widget_get_first_child (w))
          w = gtk_widget_get_first_child (w);
        else
          {
            while (w != days_row && gtk_widget_get_next_sibling (w) == NULL)
              w = gtk_widget_get_parent (w);
            w = w == days_row ? NULL : gtk_widget_get_next_sibling (w);
          }
      }
    g_assert_nonnull (spin);
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 30);
  }
  {
    /* the message: a text view in a frame, after the rows */
    GtkWidget *frame = gtk_widget_get_next_sibling (rows);
    GtkTextView *text = GTK_TEXT_VIEW (gtk_frame_get_child (GTK_FRAME (frame)));

    gtk_text_buffer_set_text (gtk_text_view_get_buffer (text), "Meet at the station\nat nine.", -1);
  }
  answer (dialog, "save", view);
  data[0] = view;
  data[1] = "Holiday photos, final";
  fm_test_spin_until (view_subject_is, data);
  days_left = (fm_transfer_get_expire_date (fm_transfer_view_get_transfer (view)) - g_get_real_time () / G_USEC_PER_SEC) / 86400;
  g_assert_cmpint (days_left, >=, 29);
  g_assert_cmpint (days_left, <=, 30);
  /* the list shows the server's new subject too, and the message's
   * start on one line */
  fm_test_spin_until (list_settled, outbox);
  find_subject (outbox, "Holiday photos, final");
  data[0] = outbox;
  data[1] = "Meet at the station at nine.";
  fm_test_spin_until (shows_label, data);
  fm_test_screenshot ("outbox.png");

  /* a new subject alone sends the subject alone: no "days" that would
   * reset the expiry */
  view = open_transfer (outbox, "Holiday photos, final");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "view.edit", NULL));
  dialog = fm_test_open_dialog ();
  form = adw_message_dialog_get_extra_child (dialog);
  rows = gtk_widget_get_first_child (form);
  entry = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (rows), 0));
  gtk_editable_set_text (GTK_EDITABLE (entry), "Holiday photos, really final");
  answer (dialog, "save", view);
  data[0] = view;
  data[1] = "Holiday photos, really final";
  fm_test_spin_until (view_subject_is, data);
  g_assert_cmpstr (last_update_fields (), ==, "subject,");
}

static gboolean
file_named (gpointer data)
{
  FmTransferView *view = ((gpointer *) data)[0];
  FmTransfer *t = fm_transfer_view_get_transfer (view);
  g_autoptr(FmTransferFile) f = t ? g_list_model_get_item (fm_transfer_get_files (t), 0) : NULL;

  return f != NULL && g_strcmp0 (fm_transfer_file_get_filename (f), ((gpointer *) data)[1]) == 0;
}

static gboolean
no_files (gpointer view)
{
  FmTransfer *t = fm_transfer_view_get_transfer (view);

  return t != NULL && g_list_model_get_n_items (fm_transfer_get_files (t)) == 0;
}

static void
test_outbox_rename_remove_delete (void)
{
  FmTransferList *outbox = open_list (TRUE);
  FmTransferView *view = open_transfer (outbox, "Holiday 0");
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  gpointer data[2];
  guint before;

  /* Rename: the characters the reference forbids are refused */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (file_row (view, 0)), "row.rename", NULL));
  dialog = fm_test_open_dialog ();
  entry = adw_message_dialog_get_extra_child (dialog);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "file-0.txt");
  for (const char *bad = "<>:\"/\\|?*"; *bad; bad++)
    {
      g_autofree char *name = g_strdup_printf ("a%cb.txt", *bad);

      gtk_editable_set_text (GTK_EDITABLE (entry), name);
      g_assert_false (adw_message_dialog_get_response_enabled (dialog, "rename"));
    }
  gtk_editable_set_text (GTK_EDITABLE (entry), "final report.txt");
  answer (dialog, "rename", view);
  data[0] = view;
  data[1] = "final report.txt";
  fm_test_spin_until (file_named, data);

  /* Remove File: file/delete, then /api/ziptransfer ("Remember to also
   * update the ZIP file by invoking /api/ziptransfer after removing
   * files"): the server's ZIP is fresh again */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (file_row (view, 0)), "row.remove", NULL));
  answer (fm_test_open_dialog (), "remove", view);
  fm_test_spin_until (no_files, view);
  {
    g_autoptr(JsonObject) details = server_details (fm_transfer_get_id (fm_transfer_view_get_transfer (view)));

    g_assert_false (json_object_get_boolean_member (details, "zip_stale"));
  }

  /* Delete: asked first; Cancel keeps it, Delete removes the row */
  before = g_list_model_get_n_items (fm_transfer_list_get_shown (outbox));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "view.delete", NULL));
  adw_message_dialog_response (fm_test_open_dialog (), "cancel");
  gtk_window_destroy (GTK_WINDOW (fm_test_open_dialog ()));
  g_assert_cmpstr (fm_transfer_view_get_state (view), ==, "detail");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "view.delete", NULL));
  answer (fm_test_open_dialog (), "delete", view);
  g_assert_cmpstr (fm_transfer_view_get_state (view), ==, "none");
  g_assert_cmpuint (g_list_model_get_n_items (fm_transfer_list_get_shown (outbox)), ==, before - 1);
  /* and the server agrees */
  fm_transfer_list_refresh (outbox);
  fm_test_spin_until (list_settled, outbox);
  g_assert_cmpuint (g_list_model_get_n_items (fm_transfer_list_get_shown (outbox)), ==, before - 1);

  /* a transfer initialized but never completed is listed as such */
  {
    g_autoptr(FmTransferOptions) options = fm_transfer_options_new ();
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(FmTransferTicket) ticket = NULL;
    g_autoptr(GError) error = NULL;

    options->to = g_strdup ("bob@example.com");
    options->subject = g_strdup ("Half done");
    fm_client_transfer_initialize_async (fm_session_get_client (fm_application_get_session (ui.app)), options, NULL,
                                         fm_test_async_cb, &result);
    ticket = fm_client_transfer_initialize_finish (fm_session_get_client (fm_application_get_session (ui.app)),
                                                   fm_test_await (&result), &error);
    g_assert_no_error (error);
    fm_transfer_list_refresh (outbox);
    fm_test_spin_until (list_settled, outbox);
    data[0] = outbox;
    data[1] = " · not finished";
    fm_test_spin_until (shows_label_ending, data);
    /* opened, it offers no link, QR code, Download, Forward or Edit */
    view = open_transfer (outbox, "Half done");
    for (const char *const *action = (const char *[]) { "view.copy-link", "view.show-qr", "view.forward",
                                                          "view.edit", NULL }; *action; action++)
      {
        GtkWidget *button = find_actionable (GTK_WIDGET (view), *action);

        g_test_message ("%s", *action);
        /* a button of the page (Copy Link, QR) or an item of its menu
         * (Forward, Edit: a menu item is insensitive with its action) */
        g_assert_true (button == NULL || !gtk_widget_is_sensitive (button) || !gtk_widget_is_visible (button));
      }
    g_assert_false (gtk_widget_get_visible (fm_transfer_view_get_download_all_button (view)));
    data[0] = view;
    data[1] = "Not finished: this transfer has no link";
    fm_test_spin_until (shows_label, data);
    fm_test_screenshot ("outbox-unfinished.png");
  }
}

static gboolean
shown (gpointer list)
{
  return fm_transfer_list_get_show_time (list) > 0;
}

static gboolean
view_shown (gpointer view)
{
  return fm_transfer_view_get_show_time (view) > 0;
}

static gboolean
all_files_shown (gpointer view)
{
  return fm_transfer_view_get_n_files_shown (view) == 10000;
}

/* A received transfer of 10,000 files: its page is on screen soon after
 * transfer/get answers (a virtual list: rows for what is on screen, not
 * 10,000 of them; made at once they took 92 s and 2 GiB), and the first
 * row is the first file. */
static void
test_ten_thousand_files (void)
{
  g_autoptr(GError) error = NULL;
  FmTransferList *inbox;
  FmTransferView *view;
  FmTestFrameGaps gaps;
  long rss_before;
  double ms;
  guint rows;

  g_assert_true (fm_test_server_seed_files (ui.server, "carol@example.com", "bob@example.com", "Album", 10000,
                                            &error));
  g_assert_no_error (error);
  log_in_as ("bob@example.com", "bob-password");
  inbox = open_list (FALSE);
  rss_before = fm_test_memory_kib ("VmRSS");
  view = open_transfer (inbox, "Album");
  g_assert_cmpstr (fm_transfer_view_get_state (view), ==, "detail");
  g_assert_cmpuint (g_list_model_get_n_items (fm_transfer_get_files (fm_transfer_view_get_transfer (view))), ==, 10000);
  fm_test_spin_until (view_shown, view);
  ms = fm_transfer_view_get_show_time (view) / 1000.0;
  /* then the list takes the other files, a few rows between two frames */
  fm_test_frame_gaps_start (&gaps, GTK_WIDGET (ui.window));
  fm_test_spin_until (all_files_shown, view);
  fm_test_frame_gaps_stop (&gaps);
  rows = fm_transfer_view_count_file_rows (view);
  g_test_message ("10,000 files: %.1f ms from transfer/get's answer in hand to the first frame; "
                  "the other files in %.0f ms, longest frame gap %.1f ms; RSS +%ld KiB; %u rows made", ms,
                  (g_get_monotonic_time () - gaps.first) / 1000.0, gaps.longest / 1000.0,
                  fm_test_memory_kib ("VmRSS") - rss_before, rows);
  fm_test_screenshot ("transfer-ten-thousand-files.png");
  /* the keyboard goes through the rows as through a list box's: Down and
   * Up from file to file, Tab from a row to its button and on */
  {
    GtkRoot *root = GTK_ROOT (ui.window);

    g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (file_row (view, 0))));
    for (guint i = 0; i < 3; i++)
      g_signal_emit_by_name (gtk_widget_get_parent (gtk_root_get_focus (root)), "move-cursor",
                             GTK_MOVEMENT_DISPLAY_LINES, 1, FALSE, FALSE);
    g_assert_true (gtk_root_get_focus (root) == GTK_WIDGET (file_row (view, 3)));
    g_signal_emit_by_name (gtk_widget_get_parent (gtk_root_get_focus (root)), "move-cursor",
                           GTK_MOVEMENT_DISPLAY_LINES, -1, FALSE, FALSE);
    g_assert_true (gtk_root_get_focus (root) == GTK_WIDGET (file_row (view, 2)));
    g_assert_true (gtk_widget_child_focus (GTK_WIDGET (ui.window), GTK_DIR_TAB_FORWARD));
    g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (root), GTK_WIDGET (file_row (view, 2))));
    g_assert_true (gtk_widget_child_focus (GTK_WIDGET (ui.window), GTK_DIR_TAB_FORWARD));
    g_assert_true (gtk_root_get_focus (root) == GTK_WIDGET (file_row (view, 3)));
  }
  g_assert_cmpstr (fm_transfer_file_get_filename (fm_file_row_get_file (file_row (view, 0))), ==, "file-0.txt");
  /* the 300 ms target is a benchmark's (tests/bench/bench-ui.sh): a test
   * only catches a page that hangs */
  if (g_strcmp0 (g_getenv ("FM_BENCH_TARGETS"), "1") == 0)
    {
      g_assert_cmpfloat (ms, <, 300);
      g_assert_cmpint (gaps.longest, <, 100 * 1000);
    }
  g_assert_cmpfloat (ms, <, 10000);
  g_assert_cmpuint (rows, <, 300);
  fm_transfer_list_select (inbox, GTK_INVALID_LIST_POSITION);
}

/* 10,000 more received transfers: a GtkListView builds only the rows on
 * screen, so the first frame comes right after the answer. */
static void
test_ten_thousand (void)
{
  g_autoptr(GError) error = NULL;
  FmTransferList *inbox;
  long rss_before;
  guint requests_before;
  double ms;
  gint64 start;

  g_assert_true (fm_test_server_seed (ui.server, "carol@example.com", "bob@example.com", 10000, "Bulk", NULL, NULL, &error));
  g_assert_no_error (error);
  log_in_as ("bob@example.com", "bob-password");
  rss_before = fm_test_memory_kib ("VmRSS");
  start = g_get_monotonic_time ();
  requests_before = fm_details_loader_get_requests (
    fm_transfer_list_get_details_loader (fm_window_get_transfer_list (ui.window, FALSE)));
  inbox = open_list (FALSE);
  /* and the 3 of the start (alice deleted "Holiday 0") and 7 hostile */
  g_assert_cmpuint (g_list_model_get_n_items (fm_transfer_list_get_shown (inbox)), ==, 10010);
  fm_test_spin_until (shown, inbox);
  ms = fm_transfer_list_get_show_time (inbox) / 1000.0;
  g_test_message ("10,010 transfers: %.1f ms from the answer in hand to the first frame; "
                  "%.0f ms from the request; RSS +%ld KiB",
                  ms, (g_get_monotonic_time () - start) / 1000.0, fm_test_memory_kib ("VmRSS") - rss_before);
  /* The 300 ms target is a benchmark's (tests/bench/bench-ui.sh sets
   * FM_BENCH_TARGETS=1): on a busy 2-core box a timed assertion is a coin
   * toss. The test only catches a list that hangs: 10 s, 30× what this
   * machine measures. */
  g_assert_cmpfloat (ms, <, g_strcmp0 (g_getenv ("FM_BENCH_TARGETS"), "1") == 0 ? 300 : 10000);

  /* transfer/get only for the rows a person can see (a window 760 px high
   * shows about a dozen), never more than 4 at once, never all 10,010 */
  fm_test_spin_until (details_idle, inbox);
  {
    FmDetailsLoader *loader = fm_transfer_list_get_details_loader (inbox);

    guint requests = fm_details_loader_get_requests (loader) - requests_before;

    g_test_message ("10,010 transfers: %u transfer/get calls for the rows on screen, %u at most at once",
                    requests, fm_details_loader_get_max_in_flight (loader));
    g_assert_cmpuint (requests, >, 0);
    g_assert_cmpuint (requests, <=, 60);
    g_assert_cmpuint (fm_details_loader_get_max_in_flight (loader), <=, FM_DETAILS_MAX_IN_FLIGHT);
  }
}

/* data: { list, number of rows } */
static gboolean
shows_rows (gpointer data)
{
  FmTransferList *list = ((gpointer *) data)[0];

  return g_list_model_get_n_items (fm_transfer_list_get_shown (list)) == GPOINTER_TO_UINT (((gpointer *) data)[1]);
}

static gboolean
list_answered (gpointer list)
{
  return !fm_transfer_list_is_loading (list) &&
         g_list_model_get_n_items (fm_transfer_list_get_shown (list)) != 150;
}

/* At start the Inbox shows what it last knew: its first screen (the 25
 * newest, kept in a small file apart) in the first frame, then the whole
 * list, and then the server's answer replaces it. */
static void
test_cached_first_screen (void)
{
  FmSession *session = fm_application_get_session (ui.app);
  FmTransferList *inbox = fm_window_get_transfer_list (ui.window, FALSE);
  g_autofree char *key = g_strdup_printf ("%s bob@example.com",
                                          fm_client_get_base_url (fm_session_get_client (session)));
  g_autoptr(GListStore) known = g_list_store_new (FM_TYPE_TRANSFER);
  g_autoptr(GError) error = NULL;
  gpointer first_screen[] = { inbox, GUINT_TO_POINTER (25) };
  gpointer whole[] = { inbox, GUINT_TO_POINTER (150) };

  fm_session_set_account (session, NULL, NULL);
  for (guint i = 0; i < 150; i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"id\": \"C%03u\", \"subject\": \"Cached %u\", \"sentdate\": %u}",
                                               i, i, 1700000000 + i * 60);
      g_autoptr(JsonNode) node = json_from_string (json, NULL);
      g_autoptr(FmTransfer) t = fm_transfer_new_from_json (json_node_get_object (node), &error);

      g_assert_no_error (error);
      g_list_store_append (known, t);
    }
  fm_list_cache_save (fm_session_get_list_cache (session), key, FM_LIST_RECEIVED, G_LIST_MODEL (known));
  fm_list_cache_flush (fm_session_get_list_cache (session));
  /* the server answers late: what shows first is the cache's */
  g_assert_true (fm_test_server_configure (ui.server, "slow_ms", "2500", &error));
  fm_window_show_page (ui.window, "inbox");
  log_in_as ("bob@example.com", "bob-password");
  fm_test_spin_until (shows_rows, first_screen);
  {
    FmTransfer *newest = shown_item (inbox, 0);

    g_assert_cmpstr (fm_transfer_get_subject (newest), ==, "Cached 149");
    g_assert_cmpstr (fm_transfer_list_get_state (inbox), ==, "list");
  }
  fm_test_spin_until (shows_rows, whole);
  {
    FmTransfer *oldest = shown_item (inbox, 149);

    g_assert_cmpstr (fm_transfer_get_subject (oldest), ==, "Cached 0");
  }
  g_assert_true (fm_test_server_configure (ui.server, "slow_ms", "0", &error));
  fm_test_spin_until (list_answered, inbox);
}

static gboolean
no_longer_loading (gpointer list)
{
  return !fm_transfer_list_is_loading (list);
}

/* A list answer that comes after a logout is neither shown nor kept
 * under the account that asked for it. */
static void
test_answer_after_logout (void)
{
  FmSession *session = fm_application_get_session (ui.app);
  FmTransferList *inbox = fm_window_get_transfer_list (ui.window, FALSE);
  g_autofree char *key = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) cached = NULL;
  gint64 until;

  log_in_as ("carol@example.com", "carol-password");
  key = fm_session_dup_account_key (session);
  fm_window_show_page (ui.window, "inbox");
  g_assert_true (fm_test_server_configure (ui.server, "slow_ms", "800", &error));
  fm_transfer_list_refresh (inbox);
  g_assert_true (fm_transfer_list_is_loading (inbox));
  fm_session_logout_async (session, NULL, fm_test_async_cb, &result);
  fm_session_logout_finish (session, fm_test_await (&result), NULL, NULL);
  fm_test_spin_until (no_longer_loading, inbox);
  /* the late answer has come and gone */
  until = g_get_monotonic_time () + 1500 * 1000;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (fm_test_server_configure (ui.server, "slow_ms", "0", &error));
  g_assert_cmpuint (g_list_model_get_n_items (fm_transfer_list_get_shown (inbox)), ==, 0);
  fm_list_cache_flush (fm_session_get_list_cache (session));
  cached = fm_list_cache_load (fm_session_get_list_cache (session), key, FM_LIST_RECEIVED, NULL);
  g_assert_null (cached);
}

/* GTK 4.8 warns "Trying to snapshot AdwViewStack … without a current
 * allocation" when the X server's resize of the window (xdotool, in the
 * narrow test) lands between a frame's layout and its paint; under ASan a
 * frame is slow enough for that about one run in three. The frame is
 * drawn right at the next one. That warning is printed, not fatal; every
 * other stays fatal. (GTK logs structured messages, which
 * g_test_log_set_fatal_handler() does not see.) */
static GLogWriterOutput
log_writer_cb (GLogLevelFlags   level,
               const GLogField *fields,
               gsize            n_fields,
               gpointer         data)
{
  const char *domain = NULL, *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0)
      domain = fields[i].value;
    else if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
      message = fields[i].value;
  if ((level & G_LOG_LEVEL_WARNING) != 0 && g_strcmp0 (domain, "Gtk") == 0 && message != NULL &&
      g_str_has_prefix (message, "Trying to snapshot ") && strstr (message, "without a current allocation") != NULL)
    {
      g_printerr ("(not fatal) Gtk-WARNING: %s\n", message);
      return G_LOG_WRITER_HANDLED;
    }
  return g_log_writer_default (level, fields, n_fields, data);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_log_set_writer_func (log_writer_cb, NULL, NULL);
  fm_test_app_start (&ui, &argc, &argv, "views");
  g_assert_true (fm_test_server_seed (ui.server, "alice@example.com", "bob@example.com", 3, "Holiday", NULL, NULL, &error));
  g_assert_true (fm_test_server_seed (ui.server, "alice@example.com", "bob@example.com", 1, "Secret", "sesame", NULL, &error));
  gtk_window_set_default_size (GTK_WINDOW (ui.window), 1100, 760);

  g_test_add_func ("/views/inbox-fills-sorts-and-searches", test_inbox_fills_sorts_and_searches);
  g_test_add_func ("/views/detail-and-download", test_detail_and_download);
  g_test_add_func ("/views/download-outlives-the-view", test_download_outlives_the_view);
  g_test_add_func ("/views/pane-and-narrow-header", test_pane_and_narrow_header);
  g_test_add_func ("/views/password-prompt", test_password_prompt);
  g_test_add_func ("/views/hostile-names", test_hostile_names);
  g_test_add_func ("/views/outbox-forward-edit", test_outbox_forward_edit);
  g_test_add_func ("/views/outbox-rename-remove-delete", test_outbox_rename_remove_delete);
  g_test_add_func ("/views/ten-thousand", test_ten_thousand);
  g_test_add_func ("/views/ten-thousand-files", test_ten_thousand_files);
  g_test_add_func ("/views/cached-first-screen", test_cached_first_screen);
  g_test_add_func ("/views/answer-after-logout", test_answer_after_logout);
  status = g_test_run ();
  fm_test_rm_rf (ui.root);
  return status;
}
