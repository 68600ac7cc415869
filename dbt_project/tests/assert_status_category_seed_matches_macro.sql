-- The seed ticketflow_status_categories holds exactly the categories of the macro
-- status_categories(), with the same is_solved: the macro names the columns of the marts,
-- the seed the stage order the SQL joins to. Returns each category on one side only, or
-- solved on one side and not on the other.
with

seed_categories as (

    select * from {{ ref('ticketflow_status_categories') }}

),

macro_categories as (

    {%- for category in status_categories() %}
    select
        '{{ category }}' as status_category,
        {{ 'true' if category in status_categories(is_solved=true) else 'false' }} as is_solved
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}

)

select
    coalesce(seed_categories.status_category, macro_categories.status_category)
        as status_category,
    seed_categories.is_solved as seed_is_solved,
    macro_categories.is_solved as macro_is_solved
from seed_categories
full outer join macro_categories
    on seed_categories.status_category = macro_categories.status_category
where
    seed_categories.status_category is null
    or macro_categories.status_category is null
    or seed_categories.is_solved <> macro_categories.is_solved
