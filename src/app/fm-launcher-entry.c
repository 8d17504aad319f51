/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-launcher-entry.c: progress on the dock
 *
 * Ubuntu's dock, Dash to Dock and Plank show a launcher's progress bar and
 * badge from com.canonical.Unity.LauncherEntry: an Update(app_uri,
 * properties) signal on the session bus ("progress" 0–1,
 * "progress-visible", "count", "count-visible"), and a Query method that
 * answers the same for a dock started later. Here: the bytes of every
 * upload and download under way, and how many there are. Looked at twice
 * a second while anything moves, sent only when it changes by a percent or
 * more (a dock redraws on every signal).
 */
#define G_LOG_DOMAIN "fm-launcher-entry"

#include "fm-launcher-entry.h"

#define OBJECT_PATH "/com/filemail/Desktop/LauncherEntry"
#define INTERFACE   "com.canonical.Unity.LauncherEntry"
#define TICK_MS     500

struct _FmLauncherEntry
{
  GObject          parent_instance;

  GDBusConnection *connection;
  FmSession       *session;
  char            *app_uri;
  guint            registration;
  guint            tick_id;
  double           progress;    /* as last sent */
  gint64           count;
  gboolean         visible;
};

G_DEFINE_FINAL_TYPE (FmLauncherEntry, fm_launcher_entry, G_TYPE_OBJECT)

static const char introspection[] =
  "<node><interface name='" INTERFACE "'>"
  "<method name='Query'><arg type='s' name='app_uri' direction='out'/>"
  "<arg type='a{sv}' name='properties' direction='out'/></method>"
  "<signal name='Update'><arg type='s' name='app_uri'/><arg type='a{sv}' name='properties'/></signal>"
  "</interface></node>";

static GVariant *
properties_variant (FmLauncherEntry *self)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&builder, "{sv}", "progress", g_variant_new_double (self->progress));
  g_variant_builder_add (&builder, "{sv}", "progress-visible", g_variant_new_boolean (self->visible));
  g_variant_builder_add (&builder, "{sv}", "count", g_variant_new_int64 (self->count));
  g_variant_builder_add (&builder, "{sv}", "count-visible", g_variant_new_boolean (self->visible && self->count > 0));
  return g_variant_builder_end (&builder);
}

static void
send_update (FmLauncherEntry *self)
{
  g_autoptr(GError) error = NULL;

  if (!g_dbus_connection_emit_signal (self->connection, NULL, OBJECT_PATH, INTERFACE, "Update",
                                      g_variant_new ("(s@a{sv})", self->app_uri, properties_variant (self)), &error))
    g_debug ("Cannot update the launcher entry: %s", error->message);
}

static gboolean
tick_cb (gpointer data)
{
  FmLauncherEntry *self = data;
  gint64 done, total, count;
  double progress;
  gboolean visible;

  fm_session_get_transfer_progress (self->session, &done, &total, &count);
  visible = count > 0;
  progress = total > 0 ? CLAMP ((double) done / (double) total, 0.0, 1.0) : 0.0;
  if (visible != self->visible || count != self->count || ABS (progress - self->progress) >= 0.01)
    {
      self->visible = visible;
      self->count = count;
      self->progress = progress;
      send_update (self);
    }
  if (visible)
    return G_SOURCE_CONTINUE;
  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

/* Something may have started or ended: look now, then while it moves. */
static void
busy_changed_cb (FmLauncherEntry *self)
{
  if (self->tick_id != 0)
    return;
  if (tick_cb (self))
    self->tick_id = g_timeout_add (TICK_MS, tick_cb, self);
}

static void
method_call (GDBusConnection       *connection,
             const char            *sender,
             const char            *path,
             const char            *interface,
             const char            *method,
             GVariant              *parameters,
             GDBusMethodInvocation *invocation,
             gpointer               user_data)
{
  FmLauncherEntry *self = user_data;

  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(s@a{sv})", self->app_uri,
                                                                    properties_variant (self)));
}

static const GDBusInterfaceVTable vtable = { method_call, NULL, NULL, { 0 } };

static void
fm_launcher_entry_dispose (GObject *object)
{
  FmLauncherEntry *self = FM_LAUNCHER_ENTRY (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->registration != 0)
    g_dbus_connection_unregister_object (self->connection, self->registration);
  self->registration = 0;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->connection);
  G_OBJECT_CLASS (fm_launcher_entry_parent_class)->dispose (object);
}

static void
fm_launcher_entry_finalize (GObject *object)
{
  g_free (FM_LAUNCHER_ENTRY (object)->app_uri);
  G_OBJECT_CLASS (fm_launcher_entry_parent_class)->finalize (object);
}

static void
fm_launcher_entry_class_init (FmLauncherEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fm_launcher_entry_dispose;
  G_OBJECT_CLASS (klass)->finalize = fm_launcher_entry_finalize;
}

static void
fm_launcher_entry_init (FmLauncherEntry *self)
{
}

/* @app_id's launcher ("application://APP_ID.desktop") follows @session's
 * uploads and downloads on @connection (the session bus). */
FmLauncherEntry *
fm_launcher_entry_new (GDBusConnection *connection,
                       const char      *app_id,
                       FmSession       *session)
{
  FmLauncherEntry *self = g_object_new (FM_TYPE_LAUNCHER_ENTRY, NULL);
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (introspection, NULL);
  g_autoptr(GError) error = NULL;

  self->connection = g_object_ref (connection);
  self->session = g_object_ref (session);
  self->app_uri = g_strdup_printf ("application://%s.desktop", app_id);
  self->registration = g_dbus_connection_register_object (connection, OBJECT_PATH, info->interfaces[0], &vtable,
                                                          self, NULL, &error);
  if (self->registration == 0)
    g_debug ("No launcher entry object: %s", error->message);
  g_signal_connect_swapped (session, "notify::busy", G_CALLBACK (busy_changed_cb), self);
  busy_changed_cb (self);
  return self;
}

double
fm_launcher_entry_get_progress (FmLauncherEntry *self)
{
  return self->visible ? self->progress : 0.0;
}

gint64
fm_launcher_entry_get_count (FmLauncherEntry *self)
{
  return self->count;
}
