/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-search-provider.c: the Activities overview finds transfers */
#define G_LOG_DOMAIN "fm-search-provider"

#include <glib/gi18n.h>

#include "fm-format.h"
#include "fm-search-provider.h"

#define MAX_RESULTS 100

struct _FmSearchProvider
{
  GObject          parent_instance;

  GApplication    *application;   /* weak: it owns this */
  FmSessionGetter  get_session;
  GDBusConnection *connection;
  guint            registration;
};

G_DEFINE_FINAL_TYPE (FmSearchProvider, fm_search_provider, G_TYPE_OBJECT)

static const char introspection[] =
  "<node><interface name='org.gnome.Shell.SearchProvider2'>"
  "<method name='GetInitialResultSet'><arg type='as' name='terms' direction='in'/>"
  "<arg type='as' name='results' direction='out'/></method>"
  "<method name='GetSubsearchResultSet'><arg type='as' name='previous_results' direction='in'/>"
  "<arg type='as' name='terms' direction='in'/><arg type='as' name='results' direction='out'/></method>"
  "<method name='GetResultMetas'><arg type='as' name='identifiers' direction='in'/>"
  "<arg type='aa{sv}' name='metas' direction='out'/></method>"
  "<method name='ActivateResult'><arg type='s' name='identifier' direction='in'/>"
  "<arg type='as' name='terms' direction='in'/><arg type='u' name='timestamp' direction='in'/></method>"
  "<method name='LaunchSearch'><arg type='as' name='terms' direction='in'/>"
  "<arg type='u' name='timestamp' direction='in'/></method>"
  "</interface></node>";

static FmSession *
session_of (FmSearchProvider *self)
{
  return self->application != NULL ? self->get_session (self->application) : NULL;
}

static const char *
server_of (FmSession *session)
{
  return fm_client_get_base_url (fm_session_get_client (session));
}

/* The Inbox and Outbox of the account logged in (logged out: none of
 * them), and what was opened by link on this computer. */
static GPtrArray *
search (FmSearchProvider   *self,
        const char * const *terms)
{
  FmSession *session = session_of (self);
  g_autofree char *key = session != NULL && fm_session_is_logged_in (session)
                         ? fm_session_dup_account_key (session) : NULL;
  GPtrArray *results = key != NULL && fm_session_get_list_cache (session) != NULL
                       ? fm_list_cache_search (fm_session_get_list_cache (session), key, terms)
                       : g_ptr_array_new_with_free_func (g_free);

  if (session != NULL && fm_session_get_link_history (session) != NULL)
    {
      g_autoptr(GPtrArray) links = fm_link_history_search (fm_session_get_link_history (session),
                                                           server_of (session), terms);

      for (guint i = 0; i < links->len; i++)
        g_ptr_array_add (results, g_strdup (links->pdata[i]));
    }
  return results;
}

/* "Opened by link · From bob@example.com · 3 files" */
static GVariant *
link_meta (FmSession  *session,
           const char *result_id)
{
  FmLinkHistory *history = fm_session_get_link_history (session);
  g_autoptr(FmTransfer) t = history != NULL ? fm_link_history_lookup (history, server_of (session), result_id + 5)
                                            : NULL;
  g_autofree char *subject = NULL, *from = NULL, *description = NULL;
  GVariantBuilder meta;

  if (t == NULL)
    return NULL;
  subject = fm_format_display_text (fm_transfer_get_subject (t));
  from = fm_format_display_text (fm_transfer_get_from (t));
  description = *from != '\0' ? g_strdup_printf (_("Opened by link · From %s"), from) : g_strdup (_("Opened by link"));
  g_variant_builder_init (&meta, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&meta, "{sv}", "id", g_variant_new_string (result_id));
  g_variant_builder_add (&meta, "{sv}", "name", g_variant_new_string (*subject ? subject : _("No subject")));
  g_variant_builder_add (&meta, "{sv}", "description", g_variant_new_string (description));
  g_variant_builder_add (&meta, "{sv}", "gicon", g_variant_new_string ("insert-link-symbolic"));
  return g_variant_builder_end (&meta);
}

static GVariant *
results_variant (GPtrArray *results)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("as"));
  for (guint i = 0; i < results->len && i < MAX_RESULTS; i++)
    g_variant_builder_add (&builder, "s", results->pdata[i]);
  return g_variant_new ("(as)", &builder);
}

/* "From bob@example.com · 2 files · 1 December 2026, 14:03" */
static char *
describe (FmTransfer *t,
          FmListKind  kind)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *from = fm_format_display_text (fm_transfer_get_from (t));
  const char * const *to = fm_transfer_get_to (t);
  guint n = g_list_model_get_n_items (fm_transfer_get_files (t));

  if (kind == FM_LIST_RECEIVED && *from != '\0')
    g_ptr_array_add (parts, g_strdup_printf (_("From %s"), from));
  else if (kind == FM_LIST_SENT && to[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (", ", (char **) to);
      g_autofree char *shown = fm_format_display_text (joined);

      g_ptr_array_add (parts, g_strdup_printf (_("To %s"), shown));
    }
  if (n > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (NULL, "%u file", "%u files", n), n));
  if (fm_transfer_get_sent_date (t) > 0)
    g_ptr_array_add (parts, fm_format_date (fm_transfer_get_sent_date (t)));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

static GVariant *
metas_variant (FmSearchProvider   *self,
               const char * const *ids)
{
  FmSession *session = session_of (self);
  /* logged out: nothing is described, whatever is still in memory */
  g_autofree char *key = session != NULL && fm_session_is_logged_in (session)
                         ? fm_session_dup_account_key (session) : NULL;
  FmListCache *cache = session != NULL ? fm_session_get_list_cache (session) : NULL;
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; session != NULL && ids[i] != NULL; i++)
    {
      FmListKind kind = FM_LIST_RECEIVED;
      g_autoptr(FmTransfer) t = NULL;
      g_autofree char *subject = NULL, *description = NULL;
      GVariantBuilder meta;
      GVariant *link;

      if (g_str_has_prefix (ids[i], "link:"))
        {
          if ((link = link_meta (session, ids[i])) != NULL)
            g_variant_builder_add_value (&builder, link);
          continue;
        }
      t = cache != NULL && key != NULL ? fm_list_cache_lookup (cache, key, ids[i], &kind) : NULL;
      if (t == NULL)
        continue;
      subject = fm_format_display_text (fm_transfer_get_subject (t));
      description = describe (t, kind);
      g_variant_builder_init (&meta, G_VARIANT_TYPE ("a{sv}"));
      g_variant_builder_add (&meta, "{sv}", "id", g_variant_new_string (ids[i]));
      g_variant_builder_add (&meta, "{sv}", "name", g_variant_new_string (*subject ? subject : _("No subject")));
      g_variant_builder_add (&meta, "{sv}", "description", g_variant_new_string (description));
      g_variant_builder_add (&meta, "{sv}", "gicon",
                             g_variant_new_string (kind == FM_LIST_SENT ? "fm-outbox-symbolic" : "fm-inbox-symbolic"));
      g_variant_builder_add_value (&builder, g_variant_builder_end (&meta));
    }
  return g_variant_new ("(aa{sv})", &builder);
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
  FmSearchProvider *self = user_data;
  g_autofree const char **terms = NULL;
  g_autofree const char **ids = NULL;
  const char *id;
  guint32 timestamp;

  /* an answer takes a moment: the app stays for it even without a window */
  if (self->application != NULL)
    g_application_hold (self->application);
  if (g_str_equal (method, "GetInitialResultSet"))
    {
      g_autoptr(GPtrArray) results = NULL;

      g_variant_get (parameters, "(^a&s)", &terms);
      results = search (self, terms);
      g_dbus_method_invocation_return_value (invocation, results_variant (results));
    }
  else if (g_str_equal (method, "GetSubsearchResultSet"))
    {
      g_autoptr(GPtrArray) results = NULL;

      /* the cache is in memory: a new search is as fast as a narrowing */
      g_variant_get (parameters, "(^a&s^a&s)", &ids, &terms);
      results = search (self, terms);
      g_dbus_method_invocation_return_value (invocation, results_variant (results));
    }
  else if (g_str_equal (method, "GetResultMetas"))
    {
      g_variant_get (parameters, "(^a&s)", &ids);
      g_dbus_method_invocation_return_value (invocation, metas_variant (self, ids));
    }
  else if (g_str_equal (method, "ActivateResult"))
    {
      g_variant_get (parameters, "(&s^a&su)", &id, &terms, &timestamp);
      if (self->application != NULL)
        g_action_group_activate_action (G_ACTION_GROUP (self->application), "show-transfer",
                                        g_variant_new_string (id));
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method, "LaunchSearch"))
    {
      g_autofree char *joined = NULL;

      g_variant_get (parameters, "(^a&su)", &terms, &timestamp);
      joined = g_strjoinv (" ", (char **) terms);
      if (self->application != NULL)
        g_action_group_activate_action (G_ACTION_GROUP (self->application), "search",
                                        g_variant_new_string (joined));
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                           "No method %s", method);
  if (self->application != NULL)
    g_application_release (self->application);
}

gboolean
fm_search_provider_export (FmSearchProvider *self,
                           GDBusConnection  *connection,
                           GError          **error)
{
  static const GDBusInterfaceVTable vtable = { method_call, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (introspection, error);

  if (info == NULL)
    return FALSE;
  self->registration = g_dbus_connection_register_object (connection, FM_SEARCH_PROVIDER_PATH,
                                                          info->interfaces[0], &vtable, self, NULL, error);
  if (self->registration == 0)
    return FALSE;
  self->connection = g_object_ref (connection);
  return TRUE;
}

void
fm_search_provider_unexport (FmSearchProvider *self)
{
  if (self->connection != NULL && self->registration != 0)
    g_dbus_connection_unregister_object (self->connection, self->registration);
  self->registration = 0;
  g_clear_object (&self->connection);
}

static void
fm_search_provider_dispose (GObject *object)
{
  FmSearchProvider *self = FM_SEARCH_PROVIDER (object);

  fm_search_provider_unexport (self);
  g_clear_weak_pointer (&self->application);
  G_OBJECT_CLASS (fm_search_provider_parent_class)->dispose (object);
}

static void
fm_search_provider_class_init (FmSearchProviderClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fm_search_provider_dispose;
}

static void
fm_search_provider_init (FmSearchProvider *self)
{
}

/* @get_session: the application's session, or NULL before its startup
 * (the bus name is taken before). */
FmSearchProvider *
fm_search_provider_new (GApplication    *application,
                        FmSessionGetter  get_session)
{
  FmSearchProvider *self = g_object_new (FM_TYPE_SEARCH_PROVIDER, NULL);

  g_set_weak_pointer (&self->application, application);
  self->get_session = get_session;
  return self;
}
