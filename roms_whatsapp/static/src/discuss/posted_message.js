/**
 * A message an action posted on the server (the panel's order status or portal
 * link, a template): shown in its thread at once, as Discuss shows the messages
 * its composer posts, without waiting for the bus.
 *
 * @param {import("models").Thread} thread
 * @param {{message_id: number, store: Object}} result
 */
export function insertPostedMessage(thread, result) {
    const { Message: messages = [] } = thread.store.insert(result.store, { html: true });
    const message = messages.find((m) => m.id === result.message_id);
    if (message) {
        thread.addOrReplaceMessage(message);
    }
}
