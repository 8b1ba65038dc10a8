/**
 * The dialog every control opens (the page script fills its question): the acting name, a reason and the UI
 * token, asked afresh each time; the answer or the refusal shows in #result.
 */
export function actionDialog(): string {
  return `<p id="result" role="status"></p>
<dialog id="confirm"><form method="dialog">
<p id="confirm-question"></p>
<label>Your name <input name="name" required></label>
<label>Reason <input name="reason"></label>
<label>UI token <input name="token" type="password" autocomplete="off"></label>
<button value="cancel" formnovalidate>Cancel</button><button value="confirm" class="danger">Confirm</button>
</form></dialog>`;
}
