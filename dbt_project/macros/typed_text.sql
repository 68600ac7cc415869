{#- Typed extraction of JSON text (issue 16): a value of the wrong type becomes null, never an
    error that stops the build, and staging keeps its text beside the typed column. The rule
    is the same on every engine, so the same record gives the same marts everywhere:
    - an integer is a JSON integer (or a string of one): optional minus sign and digits, in
      the range of the column's type; `1.0`, `1e2`, `"high"`, `""` and 2^40 for a 32-bit
      column are null (as the loader reads ticket_id: only values written as integers);
    - a boolean is JSON `true` or `false` (or those strings); `"Si"`, `"maybe"`, `1` are null. -#}

{#- The text as an integer of `type` ('integer' or 'bigint'), null when it is not one. -#}
{% macro text_to_integer(text, type) -%}
    {{ return(adapter.dispatch('text_to_integer', 'ticketflow')(text, type)) }}
{%- endmacro %}

{% macro default__text_to_integer(text, type) -%}
    {#- Nested cases: SQL does not promise the order in which an `and` is evaluated. -#}
    {%- set bounds = {
        'integer': ('-2147483648', '2147483647'),
        'bigint': ('-9223372036854775808', '9223372036854775807'),
    }[type] -%}
    case
        when {{ text }} similar to '-?[0-9]+'
            then case
                when cast({{ text }} as numeric) between {{ bounds[0] }} and {{ bounds[1] }}
                    then cast({{ text }} as {{ type }})
            end
    end
{%- endmacro %}

{% macro duckdb__text_to_integer(text, type) -%}
    case when regexp_full_match({{ text }}, '-?[0-9]+') then try_cast({{ text }} as {{ type }}) end
{%- endmacro %}

{% macro spark__text_to_integer(text, type) -%}
    case when {{ text }} rlike '^-?[0-9]+$' then try_cast({{ text }} as {{ type }}) end
{%- endmacro %}

{#- The text as a boolean: 'true' or 'false', else null. -#}
{% macro text_to_boolean(text) -%}
    case {{ text }} when 'true' then true when 'false' then false end
{%- endmacro %}
