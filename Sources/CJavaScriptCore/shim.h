#ifndef BMM_CJAVASCRIPTCORE_SHIM_H
#define BMM_CJAVASCRIPTCORE_SHIM_H

#include <stdbool.h>
#include <JavaScriptCore/JavaScript.h>

// JavaScriptCore exports these from libjavascriptcoregtk-4.1 but declares them only in
// JSContextRefPrivate.h and JSScriptRefPrivate.h, which the Debian -dev package does
// not install. The signatures match those WebKit headers.

/// Called on the JavaScript thread when a group's execution time limit is reached.
/// Return true to terminate the running script; false lets it run for another period
/// only if the limit is set again from inside the callback.
typedef bool (*JSShouldTerminateCallback)(JSContextRef ctx, void *context);

/// Sets the execution time limit, in seconds, for every context in the group.
void JSContextGroupSetExecutionTimeLimit(JSContextGroupRef group, double limit,
                                         JSShouldTerminateCallback callback, void *context);

/// Removes the group's execution time limit.
void JSContextGroupClearExecutionTimeLimit(JSContextGroupRef group);

/// Enables or disables eval() and the Function constructors for one context; when
/// disabled they throw an EvalError carrying `message`.
void JSGlobalContextSetEvalEnabled(JSGlobalContextRef ctx, bool enabled, JSStringRef message);

/// A parsed script that can be evaluated in any context of its group, so the source is
/// processed (and hashed for the code cache) once instead of per evaluation.
typedef struct OpaqueJSScript *JSScriptRef;

JSScriptRef JSScriptCreateFromString(JSContextGroupRef contextGroup, JSStringRef url, int startingLineNumber,
                                     JSStringRef source, JSStringRef *errorMessage, int *errorLine);

void JSScriptRelease(JSScriptRef script);

JSValueRef JSScriptEvaluate(JSContextRef ctx, JSScriptRef script, JSValueRef thisValue, JSValueRef *exception);

#endif
