/** Values a form was sent with and the problems found, by field name: a refused form is re-rendered with both. */
export interface FormState {
  values: Record<string, string>;
  errors: Record<string, string>;
  /** A problem with the form as a whole (wrong password, too many attempts). */
  message?: string | undefined;
}

export const EMPTY_FORM: FormState = { values: {}, errors: {} };

interface FieldProps {
  form: FormState;
  name: string;
  label: string;
  type?: string;
  autocomplete?: string;
  required?: boolean;
  hint?: string;
  multiline?: boolean;
  readOnly?: boolean;
  min?: number;
  max?: number;
  maxLength?: number;
  inputMode?: "numeric" | "text" | "url" | "email";
}

/** A labelled control with its hint and its error next to it, wired up for screen readers. */
export function Field(props: FieldProps) {
  const id = `field-${props.name}`;
  const error = props.form.errors[props.name];
  const described = [props.hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    name: props.name,
    required: props.required,
    readonly: props.readOnly,
    maxlength: props.maxLength,
    "aria-invalid": error ? "true" : undefined,
    "aria-describedby": described,
  };
  return (
    <div class={error ? "field field-invalid" : "field"}>
      <label for={id}>{props.label}</label>
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.multiline ? (
        <textarea {...common} rows={4}>
          {props.form.values[props.name] ?? ""}
        </textarea>
      ) : (
        <input
          {...common}
          type={props.type ?? "text"}
          value={props.form.values[props.name] ?? ""}
          autocomplete={props.autocomplete}
          min={props.min}
          max={props.max}
          inputmode={props.inputMode}
        />
      )}
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function FormMessage({ form }: { form: FormState }) {
  return form.message ? (
    <p class="form-error" role="alert">
      {form.message}
    </p>
  ) : null;
}
