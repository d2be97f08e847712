/* web_int.h — what the inventory's page files share: the kind named by a
 * route's path segment, links, and the per-kind forms. Private to src/inventory. */
#ifndef VARDE_INVENTORY_WEB_INT_H
#define VARDE_INVENTORY_WEB_INT_H
#include "html/html.h"
#include "inventory/inv_int.h"
#include "web/web.h"

/* Path segment of a kind ("tjenester", "systemer", "programvare", "maskiner",
 * "leverandorer") and the plural Norwegian title. */
const char *invw_seg(InvKind k);
const char *invw_title(InvKind k);
/* The kind named by the route pattern ("/org/{org}/inventar/<seg>..."). */
InvKind invw_kind(const WebCtx *c);
/* "/org/12/inventar/systemer/5" (id 0: the list). */
const char *invw_href(WebCtx *c, InvKind k, int64_t id);
/* Redirect (303) to a path built like invw_href plus an ?ok= flash key. */
void invw_redirect(WebCtx *c, InvKind k, int64_t id, const char *ok);
/* The flash line for ?ok=lagret|slettet|... */
void invw_flash(WebCtx *c);

/* Forms (web_form.c). render: the fields with the values of object (k, id)
 * (id 0: empty); save: from the posted form, id 0 creates. */
void invw_form_fields(WebCtx *c, InvKind k, int64_t id);
int invw_form_save(WebCtx *c, InvKind k, int64_t *id, Err *e);
/* The same values read-only (a definition list; printable). */
void invw_form_values(WebCtx *c, InvKind k, int64_t id);

/* Tabs/links to the inventory's pages. */
void invw_subnav(WebCtx *c, const char *current);

/* Page handlers in the other files. */
void invw_get_object(WebCtx *c);
void invw_post_object(WebCtx *c);
void invw_post_delete(WebCtx *c);
void invw_post_dep(WebCtx *c);
void invw_post_dep_remove(WebCtx *c);
void invw_get_impact(WebCtx *c);
void invw_get_scope(WebCtx *c);
void invw_post_scope(WebCtx *c);
void invw_post_scope_confirm(WebCtx *c);
void invw_post_scope_delete(WebCtx *c);
void invw_get_import(WebCtx *c);
void invw_post_import(WebCtx *c);
void invw_get_csv(WebCtx *c);
void invw_section(WebCtx *c);
extern const WebRoute inv_api_routes[];

#endif
